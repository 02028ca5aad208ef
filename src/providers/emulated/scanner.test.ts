import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CallScanner, splitReply, type Segment } from './scanner.js';

const CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';

/** Feeds pieces; returns, per push, what came out (to see what was held back and when). */
function feed(pieces: string[]): Segment[][] {
  const s = new CallScanner();
  const out = pieces.map((p) => s.push(p));
  out.push(s.end());
  return out;
}
const joined = (segs: Segment[][]) => {
  const flat = segs.flat();
  const merged: Segment[] = [];
  for (const x of flat) {
    const last = merged[merged.length - 1];
    if (x.type === 'text' && last?.type === 'text') last.text += x.text;
    else merged.push({ ...x });
  }
  return merged;
};

describe('emulated tools: streaming hold-back', () => {
  test('plain text is released at once; only a possible tag start is held', () => {
    const out = feed(['Hello ', 'world <', 'b>bold</b>', ' and <tool', '_cal']);
    assert.deepEqual(out[0], [{ type: 'text', text: 'Hello ' }]);
    assert.deepEqual(out[1], [{ type: 'text', text: 'world ' }], '"<" may start <tool_call>: held');
    assert.deepEqual(out[2], [{ type: 'text', text: '<b>bold</b>' }], 'released as soon as it cannot be a call');
    assert.deepEqual(out[3], [{ type: 'text', text: ' and ' }]);
    assert.deepEqual(out[4], []);
    assert.deepEqual(out[5], [{ type: 'text', text: '<tool_cal' }], 'at the end, a held tail is text');
  });

  test('a call split across every possible pair of chunks gives the same segments', () => {
    const text = `Let me check. ${CALL}\n${CALL}`;
    const whole = splitReply(text);
    assert.deepEqual(whole.map((s) => s.type), ['text', 'call', 'text', 'call']);
    assert.equal((whole[1] as any).body, '\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n');
    assert.equal((whole[1] as any).raw, CALL);
    for (let i = 1; i < text.length; i++) assert.deepEqual(joined(feed([text.slice(0, i), text.slice(i)])), whole, `cut at ${i}`);
    assert.deepEqual(joined(feed([...text])), whole, 'char by char');
  });

  test('nothing inside a block leaks out before the block closes', () => {
    const out = feed(['<tool_call>{"name":', '"x","arguments":{}}', '</tool_', 'call> after']);
    assert.deepEqual(out.slice(0, 3), [[], [], []]);
    assert.deepEqual(out[3], [{ type: 'call', body: '{"name":"x","arguments":{}}', raw: '<tool_call>{"name":"x","arguments":{}}</tool_call>', closed: true }, { type: 'text', text: ' after' }]);
  });

  test('a block the text never closes comes out unclosed at the end', () => {
    const out = feed(['<tool_call>{"name":"x"']);
    assert.deepEqual(out[1], [{ type: 'call', body: '{"name":"x"', raw: '<tool_call>{"name":"x"', closed: false }]);
  });
});
