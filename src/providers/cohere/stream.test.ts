import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cohereStreamFrames } from '../../../test/fakes/cohere.js';
import type { StreamEvent } from '../../schema/canonical.js';
import type { AdapterContext } from '../types.js';
import { createCohereStreamParser } from './stream.js';

const ctx = { provider: { name: 'co' }, generationId: 'gen-abcdefghijklmnop' } as unknown as AdapterContext;

function run(frames: string[], cut?: number): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createCohereStreamParser(ctx, (e) => out.push(e));
  const bytes = Buffer.from(frames.join(''));
  if (cut === undefined) p.push(bytes);
  else for (let i = 0; i < bytes.length; i += cut) p.push(bytes.subarray(i, i + cut));
  p.end();
  return out;
}

test('typed events → canonical events, for any cut', () => {
  const frames = cohereStreamFrames({ toolPlan: 'plan it', text: 'ok', toolCalls: [{ id: 't1', name: 'f', arguments: '{"a":1}', fragments: ['{"a"', ':1}'] }], usage: { prompt: 5, completion: 6 } });
  const ev = run(frames);
  assert.equal(ev[0]!.type, 'meta');
  assert.equal(ev.filter((e) => e.type === 'reasoning').map((e: any) => e.text).join(''), 'plan it');
  assert.equal(ev.filter((e) => e.type === 'text').map((e: any) => e.text).join(''), 'ok');
  assert.deepEqual(ev.filter((e) => e.type.startsWith('tool_call')), [
    { type: 'tool_call_start', index: 0, id: 't1', name: 'f' },
    { type: 'tool_call_delta', index: 0, arguments: '{"a"' },
    { type: 'tool_call_delta', index: 0, arguments: ':1}' },
  ]);
  assert.deepEqual(ev.slice(-2), [{ type: 'finish', reason: 'tool_calls', native: 'TOOL_CALL' }, { type: 'usage', usage: { promptTokens: 5, completionTokens: 6 } }]);
  assert.deepEqual(run(frames, 1), ev);
  assert.deepEqual(run(frames, 13), ev);
});

test('thinking content → reasoning; message-end error → error event; garbage → error event', () => {
  const t = run(cohereStreamFrames({ thinking: 'deep', text: 'x' }));
  assert.equal(t.filter((e) => e.type === 'reasoning').map((e: any) => e.text).join(''), 'deep');
  const err = run(cohereStreamFrames({ error: 'boom' }));
  assert.equal(err.at(-1)!.type, 'error');
  assert.match((err.at(-1) as any).error.message, /\[co\] boom/);
  assert.equal(run(['data: {not json\n\n'])[0]!.type, 'error');
});
