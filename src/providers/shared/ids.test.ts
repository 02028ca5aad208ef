import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ascendingId, randomId, synthesizeToolCallId } from './ids.js';
import { newGenerationId } from '../../server/chat.js';

test('randomId: alphanumeric, requested length, no repeats over many draws (pool refills)', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = randomId(20);
    assert.match(id, /^[A-Za-z0-9]{20}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 5000);
});

test('synthesizeToolCallId: stable for the same generation and position, distinct otherwise', () => {
  assert.equal(synthesizeToolCallId('gen-1-abcdefghijklmnopqrst', 0), synthesizeToolCallId('gen-1-abcdefghijklmnopqrst', 0));
  assert.notEqual(synthesizeToolCallId('gen-1-abcdefghijklmnopqrst', 0), synthesizeToolCallId('gen-1-abcdefghijklmnopqrst', 1));
  assert.notEqual(synthesizeToolCallId('gen-1-abcdefghijklmnopqrst', 0), synthesizeToolCallId('gen-1-zzzzzzzzzzzzzzzzzzzz', 0));
});

test('ascendingId: each id sorts after the one before (byte order, as SQLite compares TEXT), the tail stays random', () => {
  const ids = Array.from({ length: 5000 }, () => ascendingId(20));
  for (const id of ids) assert.match(id, /^[A-Za-z0-9]{20}$/);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} then ${ids[i]}`);
  assert.equal(new Set(ids.map((id) => id.slice(5))).size, ids.length, 'the 15 characters after the counter are random');
});

test('newGenerationId: OpenRouter shape gen-<unix seconds>-<20 characters>, in creation order', () => {
  const before = Math.floor(Date.now() / 1000);
  const ids = Array.from({ length: 1000 }, newGenerationId);
  const after = Math.floor(Date.now() / 1000);
  for (const id of ids) {
    const m = /^gen-(\d+)-([A-Za-z0-9]{20})$/.exec(id);
    assert.ok(m, id);
    assert.ok(Number(m[1]) >= before && Number(m[1]) <= after);
  }
  assert.deepEqual([...ids].sort(), ids);
});
