import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mistralStreamFrames } from '../../../test/fakes/mistral.js';
import type { StreamEvent } from '../../schema/canonical.js';
import type { AdapterContext } from '../types.js';
import { mistralIdFor } from '../shared/mistral-ids.js';
import { createMistralStreamParser } from './stream.js';

function run(ctx: AdapterContext, frames: string[], cut?: number): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createMistralStreamParser(ctx, (e) => out.push(e));
  const bytes = Buffer.from(frames.join(''));
  if (cut === undefined) p.push(bytes);
  else for (let i = 0; i < bytes.length; i += cut) p.push(bytes.subarray(i, i + cut));
  p.end();
  return out.filter((e) => e.type !== 'meta');
}

const ctx = () => ({ provider: { name: 'mistral' }, generationId: 'gen-abcdefghijkl' }) as unknown as AdapterContext;

test('thinking chunks → reasoning events, text chunks → text; byte cuts change nothing', () => {
  const frames = mistralStreamFrames({ thinking: { text: 'let me think', signature: 'SIG' }, text: 'answer' });
  const ev = run(ctx(), frames);
  assert.equal(ev.filter((e) => e.type === 'reasoning').map((e: any) => e.text ?? '').join(''), 'let me think');
  assert.equal((ev.filter((e) => e.type === 'reasoning').at(-1) as any).detail.signature, 'SIG');
  assert.equal(ev.filter((e) => e.type === 'text').map((e: any) => e.text).join(''), 'answer');
  assert.deepEqual(ev.at(-2), { type: 'finish', reason: 'stop', native: 'stop' });
  assert.deepEqual(ev.at(-1), { type: 'usage', usage: { promptTokens: 12, completionTokens: 9 } });
  assert.deepEqual(run(ctx(), frames, 1), ev);
});

test('whole tool calls in one delta; rewritten ids restored', () => {
  const c = ctx();
  const mapped = mistralIdFor('toolu_abc');
  (c as { request?: unknown }).request = { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'toolu_abc', type: 'function', function: { name: 'f', arguments: '{}' } }] }] };
  const ev = run(c, mistralStreamFrames({ toolCalls: [{ id: mapped, name: 'f', arguments: '{"a":1}' }, { id: 'Fresh1234', name: 'g', arguments: { b: 2 } }] }), 7);
  assert.deepEqual(ev.filter((e) => e.type.startsWith('tool_call')), [
    { type: 'tool_call_start', index: 0, id: 'toolu_abc', name: 'f' },
    { type: 'tool_call_delta', index: 0, arguments: '{"a":1}' },
    { type: 'tool_call_start', index: 1, id: 'Fresh1234', name: 'g' },
    { type: 'tool_call_delta', index: 1, arguments: '{"b":2}' },
  ]);
});

test('list content is recognised however the JSON is spaced', () => {
  const spaced = 'data: {"id": "c", "choices": [{"index": 0, "delta": {"content": [{"type": "thinking", "thinking": [{"type": "text", "text": "hm"}]}, {"type": "text", "text": "ok"}]}, "finish_reason": "stop"}]}\n\n';
  const ev = run(ctx(), [spaced]);
  assert.deepEqual(ev.map((e) => e.type), ['reasoning', 'text', 'finish']);
});

test('a mid-stream {"object":"error"} event → an error event with Mistral\'s message', () => {
  const frames = mistralStreamFrames({ text: 'partial' }).slice(0, 2);
  frames.push('data: {"object": "error", "message": "Service unavailable, please retry", "type": "service_unavailable", "param": null, "code": "3505"}\n\n');
  const ev = run(ctx(), frames);
  assert.equal(ev.at(-1)!.type, 'error');
  assert.match((ev.at(-1) as any).error.message, /\[mistral\] Service unavailable, please retry/);
});
