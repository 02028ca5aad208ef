import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bedrockEvent } from '../../../test/fakes/bedrock.js';
import { EventStreamDecoder, header } from './eventstream.js';

const frames = [bedrockEvent('messageStart', { role: 'assistant' }), bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'héllo 📚' } }), bedrockEvent('messageStop', { stopReason: 'end_turn' })];
const all = Buffer.concat(frames);

function decode(parts: Uint8Array[]): string[] {
  const seen: string[] = [];
  const d = new EventStreamDecoder((m) => seen.push(`${header(m, ':event-type')}:${JSON.parse(new TextDecoder().decode(m.body)).delta?.text ?? ''}`));
  for (const p of parts) d.push(p);
  assert.equal(d.pending, 0);
  return seen;
}

const expected = ['messageStart:', 'contentBlockDelta:héllo 📚', 'messageStop:'];

test('several messages in one read', () => assert.deepEqual(decode([all]), expected));

test('every cut position, byte by byte and in two pieces', () => {
  assert.deepEqual(decode([...all].map((b) => Uint8Array.of(b))), expected);
  for (let cut = 1; cut < all.length; cut++) assert.deepEqual(decode([all.subarray(0, cut), all.subarray(cut)]), expected, `cut at ${cut}`);
});

test('a partial message stays pending; a bad length prefix or CRC throws', () => {
  const d = new EventStreamDecoder(() => undefined);
  d.push(all.subarray(0, 10));
  assert.equal(d.pending, 10);
  assert.throws(() => new EventStreamDecoder(() => undefined).push(Buffer.from('data: {"not":"eventstream"}\n\n')), /invalid eventstream message length/);
  const bad = Buffer.from(frames[0]!);
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => new EventStreamDecoder(() => undefined).push(bad), /checksum/i);
});
