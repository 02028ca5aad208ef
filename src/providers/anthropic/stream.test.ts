import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { StreamEvent } from '../../schema/canonical.js';
import { ctx } from './__fixtures__/context.js';
import { createAnthropicStreamParser } from './stream.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

/** Feeds bytes cut at the given offsets; returns the events (errors reduced to status + message). */
function run(bytes: Uint8Array, cuts: number[] = []): unknown[] {
  const events: unknown[] = [];
  const p = createAnthropicStreamParser(ctx(), (e: StreamEvent) => events.push(e.type === 'error' ? { type: 'error', status: e.error.status, message: e.error.message } : e));
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    p.push(bytes.subarray(at, c));
    at = c;
  }
  p.end();
  return events;
}

const F = 'anthropic-claude-v1';
const THINKING_TOOLS: unknown[] = [
  { type: 'meta', upstreamId: 'msg_01StrThk' },
  { type: 'reasoning', text: 'Two cities: ', detail: { type: 'reasoning.text', text: 'Two cities: ', format: F, index: 0 } },
  { type: 'reasoning', text: 'call the tool twice. Ünïcödé ✓', detail: { type: 'reasoning.text', text: 'call the tool twice. Ünïcödé ✓', format: F, index: 0 } },
  { type: 'reasoning', detail: { type: 'reasoning.text', signature: 'EqQBCgIYAhIMsig', format: F, index: 0 } },
  { type: 'text', text: 'Checking both ' },
  { type: 'text', text: 'cities.' },
  { type: 'tool_call_start', index: 2, id: 'toolu_01Paris', name: 'get_weather' },
  { type: 'tool_call_delta', index: 2, arguments: '{"city": "Pa' },
  { type: 'tool_call_delta', index: 2, arguments: 'ris"}' },
  { type: 'tool_call_start', index: 3, id: 'toolu_01Rome', name: 'get_weather' },
  { type: 'tool_call_delta', index: 3, arguments: '{"city": "Rome"}' },
  { type: 'usage', usage: { promptTokens: 472, completionTokens: 89 } },
  { type: 'finish', reason: 'tool_calls', native: 'tool_use' },
];

describe('Anthropic SSE → canonical events', () => {
  const bytes = fixture('stream-thinking-tools.sse.txt');
  test('thinking (with signature_delta), text, two tool calls, usage, finish', () => assert.deepEqual(run(bytes), THINKING_TOOLS));
  test('byte by byte', () => assert.deepEqual(run(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)), THINKING_TOOLS));
  test('every two-piece cut, CRLF framing too', () => {
    for (let i = 1; i < bytes.length; i++) assert.deepEqual(run(bytes, [i]), THINKING_TOOLS, `cut at ${i}`);
    const crlf = Buffer.from(bytes.toString('utf8').replace(/\n/g, '\r\n'));
    for (let i = 1; i < crlf.length; i += 7) assert.deepEqual(run(crlf, [i]), THINKING_TOOLS, `crlf cut at ${i}`);
  });
  test('the same events when the JSON is spaced or reordered (the full parse, not the quick one)', () => {
    const spaced = (o: unknown) => JSON.stringify(o, null, 1).replace(/\n */g, ' ');
    const reordered = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).reverse()));
    for (const rewrite of [spaced, reordered]) {
      const text = bytes.toString('utf8').replace(/^data: (.*)$/gm, (_, d: string) => `data: ${rewrite(JSON.parse(d))}`);
      assert.notEqual(text, bytes.toString('utf8'));
      assert.deepEqual(run(Buffer.from(text)), THINKING_TOOLS);
    }
  });
  test('block indexes outside the dense range still pair start, deltas and stop', () => {
    const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
    for (const index of [5000, 'x', -1]) {
      const out = run(Buffer.from([
        ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: 'toolu_a', name: 'f', input: { a: 1 } } }),
        ev({ type: 'content_block_stop', index }),
        ev({ type: 'content_block_start', index: 7, content_block: { type: 'tool_use', id: 'toolu_b', name: 'g', input: {} } }),
        ev({ type: 'content_block_delta', index: 7, delta: { type: 'input_json_delta', partial_json: '{}' } }),
        ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '{"late":1}' } }),
        ev({ type: 'content_block_stop', index: 7 }),
      ].join('')));
      assert.deepEqual(out, [
        { type: 'tool_call_start', index, id: 'toolu_a', name: 'f' },
        { type: 'tool_call_delta', index, arguments: '{"a":1}' },
        { type: 'tool_call_start', index: 7, id: 'toolu_b', name: 'g' },
        { type: 'tool_call_delta', index: 7, arguments: '{}' },
        { type: 'tool_call_delta', index, arguments: '{"late":1}' },
      ], String(index));
    }
  });
  test('an error event mid-stream (overloaded_error) → a 529 error event', () => {
    assert.deepEqual(run(fixture('stream-overloaded.sse.txt')), [
      { type: 'meta', upstreamId: 'msg_01Over' },
      { type: 'text', text: 'Hello' },
      { type: 'error', status: 529, message: '[anthropic] Overloaded' },
    ]);
  });
  test('redacted thinking, a zero-argument tool, an input given at block start, unknown events', () => {
    const ev = (o: unknown) => `event: x\ndata: ${JSON.stringify(o)}\n\n`;
    const text = [
      ev({ type: 'message_start', message: { id: 'msg_z', usage: { input_tokens: 3, output_tokens: 1, cache_read_input_tokens: 10 } } }),
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'opaque==' } }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_now', name: 'now', input: {} } }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
      ev({ type: 'content_block_stop', index: 1 }),
      ev({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_pre', name: 'f', input: { a: 1 } } }),
      ev({ type: 'content_block_stop', index: 2 }),
      ev({ type: 'content_block_start', index: 3, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
      ev({ type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }),
      ev({ type: 'content_block_stop', index: 3 }),
      ev({ type: 'brand_new_event', foo: 1 }),
      ev({ type: 'ping' }),
      ev({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } }),
      ev({ type: 'message_stop' }),
    ].join('');
    assert.deepEqual(run(Buffer.from(text)), [
      { type: 'meta', upstreamId: 'msg_z' },
      { type: 'reasoning', detail: { type: 'reasoning.encrypted', data: 'opaque==', format: F, index: 0 } },
      { type: 'tool_call_start', index: 1, id: 'toolu_now', name: 'now' },
      { type: 'tool_call_start', index: 2, id: 'toolu_pre', name: 'f' },
      { type: 'tool_call_delta', index: 2, arguments: '{"a":1}' },
      { type: 'usage', usage: { promptTokens: 13, completionTokens: 20, cachedTokens: 10 } },
      { type: 'finish', reason: 'tool_calls', native: 'tool_use' },
    ]);
  });
  test('message_stop without a stop_reason still finishes; invalid JSON is an error event', () => {
    const out = run(Buffer.from('data: {"type":"message_start","message":{"id":"m"}}\n\ndata: {"type":"message_stop"}\n\ndata: {nope\n\n'));
    assert.deepEqual(out.slice(1), [
      { type: 'finish', reason: 'stop', native: null },
      { type: 'error', status: 502, message: '[anthropic] upstream sent an invalid stream event' },
    ]);
  });
});
