import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StreamEvent } from '../../schema/canonical.js';
import { createOllamaStreamParser } from './stream.js';
import { ctx } from './test-context.js';

const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const msg = (m: Record<string, unknown>) => line({ model: 'm', created_at: 't', message: { role: 'assistant', content: '', ...m }, done: false });
const doneLine = line({ model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 12, eval_count: 4 });

function parse(chunks: (string | Uint8Array)[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createOllamaStreamParser(ctx, (e) => out.push(e));
  for (const c of chunks) p.push(typeof c === 'string' ? new TextEncoder().encode(c) : c);
  p.end();
  return out;
}

const TRANSCRIPT = msg({ thinking: 'Let me think… ' }) + msg({ content: 'Ünïcødé 📚 ' }) + msg({ tool_calls: [{ function: { name: 'a', arguments: { q: 'x' } } }] }) + msg({ tool_calls: [{ function: { name: 'b', arguments: {} } }] }) + doneLine;

describe('ollama NDJSON stream', () => {
  const whole = parse([TRANSCRIPT]);

  test('events: reasoning, text, whole tool calls with synthesized ids, finish tool_calls, usage', () => {
    assert.deepEqual(whole, [
      { type: 'reasoning', text: 'Let me think… ', detail: { type: 'reasoning.text', text: 'Let me think… ', format: 'unknown', index: 0 } },
      { type: 'text', text: 'Ünïcødé 📚 ' },
      { type: 'tool_call_start', index: 0, id: 'call_efghijklmnop_0', name: 'a' },
      { type: 'tool_call_delta', index: 0, arguments: '{"q":"x"}' },
      { type: 'tool_call_start', index: 1, id: 'call_efghijklmnop_1', name: 'b' },
      { type: 'tool_call_delta', index: 1, arguments: '{}' },
      { type: 'finish', reason: 'tool_calls', native: 'stop' },
      { type: 'usage', usage: { promptTokens: 12, completionTokens: 4 } },
    ]);
  });

  test('partial lines: every cut point, byte by byte (inside UTF-8 characters too), gives the same events', () => {
    const bytes = new TextEncoder().encode(TRANSCRIPT);
    for (let cut = 1; cut < bytes.length; cut += 7) assert.deepEqual(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), whole, `cut at ${cut}`);
    assert.deepEqual(parse([...bytes].map((b) => new Uint8Array([b]))), whole);
  });

  test('CRLF line ends, blank lines, and a last line without its newline', () => {
    const crlf = TRANSCRIPT.replace(/\n/g, '\r\n\r\n').slice(0, -4);
    assert.deepEqual(parse([crlf]), whole);
  });

  test('an {"error"} line mid-stream and a non-JSON line are errors', () => {
    const ev = parse([msg({ content: 'a' }), line({ error: 'an unknown error was encountered while running the model' })]);
    assert.equal(ev[1]!.type, 'error');
    assert.match((ev[1] as any).error.message, /unknown error was encountered/);
    const bad = parse(['<html>oops</html>\n']);
    assert.equal(bad[0]!.type, 'error');
    assert.equal((bad[0] as any).error.status, 502);
  });

  test('done_reason length without calls → length', () => {
    const ev = parse([msg({ content: 'x' }), line({ model: 'm', created_at: 't', message: { role: 'assistant', content: '' }, done: true, done_reason: 'length', eval_count: 1 })]);
    assert.deepEqual(ev.find((e) => e.type === 'finish'), { type: 'finish', reason: 'length', native: 'length' });
  });
});
