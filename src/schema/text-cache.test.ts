import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextCache } from './text-cache.js';

test('finds a text by its content, not its identity: a slice of another string hits', () => {
  const c = new TextCache<string>({ maxEntries: 4 });
  const tools = '[{"type":"function","function":{"name":"a"}}]';
  c.set(tools, 'verdict');
  const body = `{"model":"m","tools":${tools},"n":1}`;
  const slice = body.slice(body.indexOf('['), body.lastIndexOf(']') + 1);
  assert.equal(slice, tools);
  assert.equal(c.get(slice), 'verdict');
  assert.equal(c.get(tools.replace('"a"', '"b"')), undefined, 'same length, other text');
  assert.equal(c.get(tools + ' '), undefined);
  assert.equal(c.get(''), undefined);
});

test('replacing a text keeps one entry', () => {
  const c = new TextCache<number>({ maxEntries: 4 });
  c.set('abc', 1);
  c.set('abc', 2);
  assert.equal(c.size, 1);
  assert.equal(c.get('abc'), 2);
});

test('drops the oldest entries past maxEntries', () => {
  const c = new TextCache<number>({ maxEntries: 3 });
  for (const [i, t] of ['a', 'bb', 'cc', 'ddd'].entries()) c.set(t, i);
  assert.equal(c.size, 3);
  assert.equal(c.get('a'), undefined);
  assert.deepEqual(['bb', 'cc', 'ddd'].map((t) => c.get(t)), [1, 2, 3]);
});

test('drops the oldest entries past maxChars, counting what set was told; the newest stays', () => {
  const c = new TextCache<string>({ maxEntries: 100, maxChars: 10 });
  c.set('aaaa', 'x', 4);
  c.set('bbbb', 'y', 4);
  c.set('cccc', 'z', 4); // 12 > 10: 'aaaa' goes
  assert.equal(c.get('aaaa'), undefined);
  assert.equal(c.get('bbbb'), 'y');
  c.set('d'.repeat(50), 'big'); // over the bound alone: it stays, everything older goes
  assert.equal(c.size, 1);
  assert.equal(c.get('d'.repeat(50)), 'big');
});

test('many texts of one length: a bucket keeps the newest few, lookups stay correct', () => {
  const c = new TextCache<number>({ maxEntries: 1000 });
  const texts = Array.from({ length: 20 }, (_, i) => `tools-${String(i).padStart(3, '0')}`);
  texts.forEach((t, i) => c.set(t, i));
  assert.ok(c.size < 20, 'a bucket is bounded');
  const kept = texts.filter((t) => c.get(t) !== undefined);
  assert.deepEqual(kept, texts.slice(20 - kept.length), 'the newest stay');
  for (const t of kept) assert.equal(c.get(t), texts.indexOf(t));
  c.set('other-length', -1);
  assert.equal(c.get('other-length'), -1);
});
