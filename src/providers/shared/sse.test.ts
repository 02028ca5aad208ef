import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineDecoder, SseDecoder, type SseEvent } from './sse.js';

const enc = new TextEncoder();

function decodeAll(text: string, cuts: number[]): SseEvent[] {
  const out: SseEvent[] = [];
  const d = new SseDecoder((e) => out.push(e));
  const bytes = enc.encode(text);
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    d.push(bytes.subarray(prev, c));
    prev = c;
  }
  d.end();
  return out;
}

const STREAM = ': comment\n\nevent: message_start\ndata: {"a":"héllo ✓ 日本"}\n\ndata: line1\ndata: line2\n\ndata:nospace\n\ndata: [DONE]\n\n';
const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"a":"héllo ✓ 日本"}' },
  { event: undefined, data: 'line1\nline2' },
  { event: undefined, data: 'nospace' },
  { event: undefined, data: '[DONE]' },
];

describe('SseDecoder', () => {
  test('whole stream in one chunk', () => assert.deepEqual(decodeAll(STREAM, []), EXPECTED));

  test('every possible single cut point, including inside UTF-8 characters and "data:"', () => {
    const n = enc.encode(STREAM).length;
    for (let i = 1; i < n; i++) assert.deepEqual(decodeAll(STREAM, [i]), EXPECTED, `cut at ${i}`);
  });

  test('byte by byte', () => {
    const n = enc.encode(STREAM).length;
    assert.deepEqual(decodeAll(STREAM, Array.from({ length: n - 1 }, (_, i) => i + 1)), EXPECTED);
  });

  test('CRLF and lone CR line endings, CRLF split across chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    const n = enc.encode(crlf).length;
    for (let i = 1; i < n; i++) assert.deepEqual(decodeAll(crlf, [i]), EXPECTED, `crlf cut at ${i}`);
    assert.deepEqual(decodeAll(STREAM.replace(/\n/g, '\r'), []), EXPECTED);
  });

  test('id: is carried on events once seen (and persists), absent otherwise', () => {
    assert.deepEqual(decodeAll('data: a\n\nid: 7\ndata: b\n\ndata: c\n\n', [9]), [
      { event: undefined, data: 'a' },
      { event: undefined, data: 'b', id: '7' },
      { event: undefined, data: 'c', id: '7' },
    ]);
  });

  test('4-byte characters cut at every point; invalid bytes become U+FFFD; a character cut by the end of the stream too', () => {
    const text = 'data: 🙂x🙂\n\ndata: é\n\n';
    const n = enc.encode(text).length;
    const want = [{ event: undefined, data: '🙂x🙂' }, { event: undefined, data: 'é' }];
    for (let i = 1; i < n; i++) for (let j = i + 1; j < n; j++) assert.deepEqual(decodeAll(text, [i, j]), want, `cuts at ${i}, ${j}`);
    const out: SseEvent[] = [];
    const d = new SseDecoder((e) => out.push(e));
    d.push(new Uint8Array([...enc.encode('data: a'), 0xff, ...enc.encode('b\n\ndata: c'), 0xf0, 0x9f]));
    d.end();
    assert.deepEqual(out, [{ event: undefined, data: 'a\ufffdb' }, { event: undefined, data: 'c\ufffd' }]);
  });

  test('a byte order mark is dropped at the start of the stream (even split), kept elsewhere', () => {
    const text = '\ufeffdata: a\n\ndata: \ufeffb\n\n';
    const want = [{ event: undefined, data: 'a' }, { event: undefined, data: '\ufeffb' }];
    for (let i = 0; i <= 4; i++) assert.deepEqual(decodeAll(text, i === 0 ? [] : [i]), want, `cut at ${i}`);
  });

  test('fields: no space after the colon, value with colons, a field without colon, empty data, retry ignored', () => {
    assert.deepEqual(decodeAll('event:ping\nid:a:b\nretry: 5\ndata\ndata:x:y\n\ndata:\n\n', []), [
      { event: 'ping', data: '\nx:y', id: 'a:b' },
      { event: undefined, data: '', id: 'a:b' },
    ]);
  });

  test('any split of a mixed stream (CR, CRLF, LF, comments, multi-line data, UTF-8) gives what the whole gives', () => {
    const text = 'event: a\r\ndata: 1\r\ndata: 2é\r\n\r\n: note\rdata: 日本\r\rid: 9\ndata: x\n\ndata: 🙂\r\n\r\ndata: end';
    const whole = decodeAll(text, []);
    assert.equal(whole.length, 5);
    const n = enc.encode(text).length;
    let seed = 7;
    const rand = (m: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % m);
    for (let k = 0; k < 300; k++) {
      const cuts = [...new Set(Array.from({ length: 1 + rand(6) }, () => 1 + rand(n - 1)))].sort((a, b) => a - b);
      assert.deepEqual(decodeAll(text, cuts), whole, `cuts ${cuts}`);
    }
  });

  test('a final event without its blank line is flushed at end', () => {
    assert.deepEqual(decodeAll('data: tail', [3]), [{ event: undefined, data: 'tail' }]);
  });
});

describe('LineDecoder', () => {
  /** Feeds `text` cut in two at every byte and checks the lines each time. */
  const linesAtEveryCut = (text: string, expected: string[]) => {
    const bytes = enc.encode(text);
    for (let i = 1; i < bytes.length; i++) {
      const lines: string[] = [];
      const d = new LineDecoder((l) => lines.push(l));
      d.push(bytes.subarray(0, i));
      d.push(bytes.subarray(i));
      d.end();
      assert.deepEqual(lines, expected, `cut at ${i}`);
    }
  };

  test('NDJSON split anywhere, CRLF tolerated, trailing line flushed', () => {
    linesAtEveryCut('{"a":1}\r\n{"b":"ü"}\n\n{"c":3}', ['{"a":1}', '{"b":"ü"}', '{"c":3}']);
  });

  test('4-byte characters cut at every point', () => {
    linesAtEveryCut('{"a":"🙂"}\n{"b":"🙂🙂"}', ['{"a":"🙂"}', '{"b":"🙂🙂"}']);
  });
});
