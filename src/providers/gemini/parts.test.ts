import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamEvent } from '../../schema/canonical.js';
import { PartReader } from './parts.js';

const G = 'google-gemini-v1';
function read(chunks: unknown[][]): StreamEvent[] {
  const out: StreamEvent[] = [];
  const r = new PartReader('gen-1-abcdefghijklmnop', (e) => out.push(e));
  for (const c of chunks) r.read(c as never);
  return out;
}
const indexes = (ev: StreamEvent[]) => ev.flatMap((e) => (e.type === 'reasoning' && e.detail ? [e.detail.index] : []));

test('fragments of one thought share a detail index across chunks; a signature or other part closes it', () => {
  const ev = read([
    [{ text: 'a', thought: true }],
    [{ text: 'b', thought: true, thoughtSignature: 'S' }],
    [{ text: 'c', thought: true }],
    [{ text: 'answer' }],
    [{ text: 'd', thought: true }],
  ]);
  assert.deepEqual(indexes(ev), [0, 0, 1, 2]);
  assert.deepEqual(ev[1], { type: 'reasoning', text: 'b', detail: { type: 'reasoning.text', text: 'b', format: G, index: 0, signature: 'S' } });
});
test('a signature-only empty text part (end of a streamed answer) → an encrypted detail, no text', () =>
  assert.deepEqual(read([[{ text: '', thoughtSignature: 'END' }]]), [{ type: 'reasoning', detail: { type: 'reasoning.encrypted', data: 'END', format: G, index: 0 } }]));
test('tool-call numbering runs across chunks; parts with no chat counterpart are skipped', () => {
  const ev = read([[{ functionCall: { name: 'f' } }], [{ inlineData: { mimeType: 'image/png', data: 'x' } }, { functionCall: { name: 'g', args: { x: [1] } } }]]);
  assert.deepEqual(ev, [
    { type: 'tool_call_start', index: 0, id: 'call_efghijklmnop_0', name: 'f' },
    { type: 'tool_call_delta', index: 0, arguments: '{}' },
    { type: 'tool_call_start', index: 1, id: 'call_efghijklmnop_1', name: 'g' },
    { type: 'tool_call_delta', index: 1, arguments: '{"x":[1]}' },
  ]);
});
