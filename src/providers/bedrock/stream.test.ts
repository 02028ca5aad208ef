import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bedrockEvent, bedrockStreamException, converseStreamFrames } from '../../../test/fakes/bedrock.js';
import type { StreamEvent } from '../../schema/canonical.js';
import type { AdapterContext } from '../types.js';
import { createBedrockStreamParser } from './stream.js';

const ctx = { provider: { name: 'aws' }, generationId: 'gen-1' } as unknown as AdapterContext;

function run(parts: Uint8Array[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createBedrockStreamParser(ctx, (e) => out.push(e));
  for (const x of parts) p.push(x);
  p.end();
  return out;
}

test('reasoning (text + signature), text, tool use, stop, usage → canonical events, whatever the cuts', () => {
  const frames = converseStreamFrames({
    reasoning: { text: 'hmm', signature: 'SIG' },
    text: 'ok',
    toolCalls: [{ id: 'tooluse_9', name: 'f', input: { a: 1 }, fragments: ['{"a"', ':1}'] }],
    usage: { inputTokens: 3, outputTokens: 4, cacheWriteInputTokens: 2 },
  });
  const expected: StreamEvent[] = [
    { type: 'reasoning', text: 'hmm', detail: { type: 'reasoning.text', text: 'hmm', format: 'anthropic-claude-v1', index: 0 } },
    { type: 'reasoning', detail: { type: 'reasoning.text', text: '', signature: 'SIG', format: 'anthropic-claude-v1', index: 0 } },
    { type: 'text', text: 'ok' },
    { type: 'tool_call_start', index: 2, id: 'tooluse_9', name: 'f' },
    { type: 'tool_call_delta', index: 2, arguments: '{"a"' },
    { type: 'tool_call_delta', index: 2, arguments: ':1}' },
    { type: 'finish', reason: 'tool_calls', native: 'tool_use' },
    { type: 'usage', usage: { promptTokens: 5, completionTokens: 4, cacheWriteTokens: 2 } },
  ];
  assert.deepEqual(run(frames), expected);
  const all = Buffer.concat(frames);
  assert.deepEqual(run([...all].map((b) => Uint8Array.of(b))), expected);
  assert.deepEqual(run([all.subarray(0, 7), all.subarray(7, 300), all.subarray(300)]), expected);
});

test('redacted reasoning → an encrypted detail', () => {
  const ev = run([bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { redactedContent: 'ENC' } } })]);
  assert.deepEqual(ev, [{ type: 'reasoning', detail: { type: 'reasoning.encrypted', data: 'ENC', format: 'anthropic-claude-v1', index: 0 } }]);
});

test('an exception frame → one error event with the mapped status; nothing after it', () => {
  const ev = run([bedrockStreamException('throttlingException', 'slow down'), bedrockEvent('messageStop', { stopReason: 'end_turn' })]);
  assert.equal(ev.length, 1);
  const e = ev[0] as Extract<StreamEvent, { type: 'error' }>;
  assert.equal(e.error.status, 429);
  assert.equal(e.error.retryable, true);
  assert.match(e.error.message, /\[aws\] ThrottlingException: slow down/);
  const v = run([bedrockStreamException('validationException', 'bad input')])[0] as Extract<StreamEvent, { type: 'error' }>;
  assert.equal(v.error.status, 400);
  assert.equal(v.error.retryable, false);
});

test('truncated stream and non-eventstream bytes → error events', () => {
  const f = converseStreamFrames({ text: 'x' });
  const cut = run([Buffer.concat(f).subarray(0, 50)]);
  assert.equal(cut.at(-1)!.type, 'error');
  assert.match((cut.at(-1) as any).error.message, /ended inside a message/);
  const junk = run([Buffer.from('{"message":"this is JSON, not eventstream"}')]);
  assert.equal(junk.length, 1);
  assert.match((junk[0] as any).error.message, /invalid upstream stream/);
});
