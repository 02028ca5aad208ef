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

test('a large message in tiny reads is reassembled (bytes are joined once, not on every read)', () => {
  const big = bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'z'.repeat(400_000) } });
  const seen: number[] = [];
  const d = new EventStreamDecoder((m) => seen.push(m.body.length));
  for (let i = 0; i < big.length; i += 7) d.push(big.subarray(i, i + 7));
  assert.equal(seen.length, 1);
  assert.ok(seen[0]! > 400_000);
  assert.equal(d.pending, 0);
});

test('messages spread over many reads, several per read, with pending bytes in between', () => {
  const parts = [all.subarray(0, 2), all.subarray(2, 3), all.subarray(3, frames[0]!.length + 5), all.subarray(frames[0]!.length + 5)];
  assert.deepEqual(decode(parts), expected);
  assert.deepEqual(decode([Buffer.alloc(0), all, Buffer.alloc(0)]), expected);
});
