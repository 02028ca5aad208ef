import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser } from './sse.js';

const all = (parts: (string | Uint8Array)[]) => {
  const p = new SseParser();
  const out = parts.flatMap((x) => p.push(x));
  return [...out, ...p.end()].map((m) => [m.event ?? null, m.data]);
};

test('any chunk boundary, CR/LF/CRLF line ends, comments, multi-line data, event names', () => {
  const text = ': keep-alive\r\n\r\ndata: {"a":1}\r\n\r\nevent: message_start\ndata: x\ndata: y\n\ndata:z\r\rdata: [DONE]\n\n';
  const expected = [[null, '{"a":1}'], ['message_start', 'x\ny'], [null, 'z'], [null, '[DONE]']];
  assert.deepEqual(all([text]), expected);
  for (let cut = 1; cut < text.length; cut++) assert.deepEqual(all([text.slice(0, cut), text.slice(cut)]), expected, `cut at ${cut}`);
  assert.deepEqual(all(text.split('')), expected);
});

test('UTF-8 split inside a character, and a last message without its blank line', () => {
  const bytes = Buffer.from('data: “quoted” — ok\n\ndata: tail', 'utf8');
  const parts = [...bytes].map((b) => Uint8Array.of(b));
  assert.deepEqual(all(parts), [[null, '“quoted” — ok'], [null, 'tail']]);
});
