import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quickEvent } from './stream-quick.js';

const delta = (index: number, d: Record<string, unknown>) => JSON.stringify({ type: 'content_block_delta', index, delta: d });

/** Events as the API writes them (compact JSON, its key order). */
const COMPACT = [
  delta(0, { type: 'text_delta', text: 'Hello' }),
  delta(1, { type: 'text_delta', text: 'Ünïcödé ✓ "quoted" \\ back\nslash\t\u0001 😀' }),
  delta(12, { type: 'input_json_delta', partial_json: '{"city": "Pa' }),
  delta(3, { type: 'input_json_delta', partial_json: '' }),
  delta(0, { type: 'thinking_delta', thinking: 'Two cities: ' }),
  delta(0, { type: 'signature_delta', signature: 'EqQBCgIYAhIMsig==' }),
  JSON.stringify({ type: 'content_block_stop', index: 0 }),
  JSON.stringify({ type: 'content_block_stop', index: 987654321 }),
  '{"type":"ping"}',
  '{"type": "ping"}',
  '{"type":"message_stop"}',
  delta(0, { type: 'text_delta', text: 'lone \ud800 surrogate' }),
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\u00e9\\ud83d\\ude00\\/"}}',
];

/** Valid JSON the quick path leaves to JSON.parse (another form than the API's, or another event). */
const OTHER = [
  '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}',
  '{"index":0,"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":0,"delta":{"text":"Hi","type":"text_delta"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi","extra":1}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"},"extra":{"a":"b"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","text":"b"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","b":"c"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}',
  '{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":1e2,"delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":12345678901,"delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"x":"y"}}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi" }}',
  '{"type":"content_block_stop","index":0,"x":1}',
  '{"type":"content_block_stop","index":00}',
  '{"type":"message_start","message":{"id":"m"}}',
  '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}',
  '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  '{"type":"ping","x":1}',
];

/** Invalid JSON, some of it one character away from a quick match. */
const INVALID = [
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\x"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"b"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\u0001"}}',
  '{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":,"delta":{"type":"text_delta","text":"Hi"}}',
  '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"}}',
  '{"type":"content_block_stop","index":}',
  '{"type":"content_block_stop","index":01}',
];

describe('quickEvent: the compact common events without JSON.parse', () => {
  test('what the API writes: the same value as JSON.parse', () => {
    for (const d of COMPACT) assert.deepEqual(quickEvent(d), JSON.parse(d), d);
  });
  test('other forms of valid JSON are left to JSON.parse', () => {
    for (const d of OTHER) assert.equal(quickEvent(d), undefined, d);
  });
  test('invalid JSON is never read as an event', () => {
    for (const d of INVALID) {
      assert.throws(() => JSON.parse(d), SyntaxError, `the case itself must be invalid: ${d}`);
      assert.equal(quickEvent(d), undefined, d);
    }
  });
  test('every one-character deletion, insertion and change of the API forms: undefined, or what JSON.parse gives', () => {
    const alphabet = ['"', '\\', '}', '{', ',', ':', ' ', '0', '1', 'a', '\u0001', 'é'];
    for (const d of COMPACT) {
      const variants: string[] = [];
      for (let i = 0; i <= d.length; i++) {
        if (i < d.length) variants.push(d.slice(0, i) + d.slice(i + 1));
        for (const c of alphabet) {
          variants.push(d.slice(0, i) + c + d.slice(i));
          if (i < d.length) variants.push(d.slice(0, i) + c + d.slice(i + 1));
        }
      }
      for (const v of variants) {
        const quick = quickEvent(v);
        if (quick === undefined) continue;
        let parsed: unknown;
        assert.doesNotThrow(() => (parsed = JSON.parse(v)), `quick read invalid JSON: ${v}`);
        assert.deepEqual(quick, parsed, v);
      }
    }
  });
});
