import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StreamEvent } from '../../schema/canonical.js';
import { ctx } from './__fixtures__/context.js';
import { createGeminiStreamParser } from './stream.js';

const G = 'google-gemini-v1';
const frame = (obj: unknown) => `data: ${JSON.stringify(obj)}\r\n\r\n`;
const chunk = (parts: unknown[], extra: Record<string, unknown> = {}) => frame({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }], responseId: 'r1' });

function parse(frames: string[], cut?: number): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createGeminiStreamParser(ctx, (e) => out.push(e));
  const bytes = new TextEncoder().encode(frames.join(''));
  const step = cut ?? bytes.length;
  for (let i = 0; i < bytes.length; i += step) p.push(bytes.subarray(i, i + step));
  p.end();
  return out;
}

describe('Gemini stream parser', () => {
  const frames = [
    chunk([{ text: 'Let me ', thought: true }]),
    chunk([{ text: 'check.', thought: true }]),
    chunk([{ text: 'Looking ' }]),
    chunk([{ text: 'it up.' }, { functionCall: { name: 'search', args: { q: 'é' } }, thoughtSignature: 'SIG' }]),
    chunk([{ functionCall: { name: 'search', args: { q: 'b' } } }], { finishReason: 'STOP' }),
    frame({ candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, thoughtsTokenCount: 3 } }),
  ];
  const expected: StreamEvent[] = [
    { type: 'meta', upstreamId: 'r1' },
    { type: 'reasoning', text: 'Let me ', detail: { type: 'reasoning.text', text: 'Let me ', format: G, index: 0 } },
    { type: 'reasoning', text: 'check.', detail: { type: 'reasoning.text', text: 'check.', format: G, index: 0 } },
    { type: 'text', text: 'Looking ' },
    { type: 'text', text: 'it up.' },
    { type: 'tool_call_start', index: 0, id: 'call_efghijklmnop_0', name: 'search' },
    { type: 'tool_call_delta', index: 0, arguments: '{"q":"é"}' },
    { type: 'reasoning', detail: { type: 'reasoning.encrypted', data: 'SIG', id: 'call_efghijklmnop_0', format: G, index: 1 } },
    { type: 'tool_call_start', index: 1, id: 'call_efghijklmnop_1', name: 'search' },
    { type: 'tool_call_delta', index: 1, arguments: '{"q":"b"}' },
    { type: 'finish', reason: 'tool_calls', native: 'STOP' },
    { type: 'usage', usage: { promptTokens: 9, completionTokens: 7, reasoningTokens: 3 } },
  ];
  test('thoughts, text, whole function calls with stable indexes, finish, cumulative usage', () => assert.deepEqual(parse(frames), expected));
  test('the same events whatever the byte boundaries (one byte at a time, 7 bytes)', () => {
    assert.deepEqual(parse(frames, 1), expected);
    assert.deepEqual(parse(frames, 7), expected);
  });
  test('a finish reason that means failure → one error event', () => {
    const ev = parse([chunk([], { finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'bad call' })]);
    const err = ev.find((e) => e.type === 'error');
    assert.ok(err && err.type === 'error');
    assert.match(err.error.message, /MALFORMED_FUNCTION_CALL: the model produced a malformed function call: bad call/);
    assert.ok(!ev.some((e) => e.type === 'finish'));
  });
  test('an error object mid-stream → error event with the Google status mapped', () => {
    const ev = parse([chunk([{ text: 'a' }]), frame({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } })]);
    const err = ev.at(-1)!;
    assert.ok(err.type === 'error');
    assert.equal(err.error.status, 503);
    assert.match(err.error.message, /UNAVAILABLE: The model is overloaded/);
  });
  test('a blocked prompt → finish content_filter', () =>
    assert.deepEqual(parse([frame({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })]), [{ type: 'finish', reason: 'content_filter', native: 'PROHIBITED_CONTENT' }]));
  test('invalid JSON → error event', () => assert.equal(parse(['data: {nope\r\n\r\n'])[0]!.type, 'error'));
  test('nothing after finish but usage: no late text, no late error', () => {
    const ev = parse([chunk([{ text: 'a' }], { finishReason: 'STOP' }), chunk([{ text: 'late' }]), frame({ error: { code: 500, status: 'INTERNAL', message: 'x' } }), frame({ usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2 } })]);
    assert.ok(!ev.some((e) => (e.type === 'text' && e.text === 'late') || e.type === 'error'));
    assert.deepEqual(ev.at(-1), { type: 'usage', usage: { promptTokens: 1, completionTokens: 2 } });
  });
});
