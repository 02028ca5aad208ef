import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomId, synthesizeToolCallId } from './ids.js';

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
