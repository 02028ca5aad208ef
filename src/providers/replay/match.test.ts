import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadedCassette } from './cassette.js';
import { differences, findCassette, normalizeBody } from './match.js';

const cassette = (file: string, body: unknown, path = '/v1/messages'): LoadedCassette => ({
  file,
  cassette: { switchyard_cassette: 1, provider: 'p', format: 'anthropic', recorded_at: '', request: { method: 'POST', path, url: '', headers: {}, body }, response: { status: 200, headers: {} } },
});

test('volatile fields and synthesized tool-call ids are ignored', () => {
  assert.deepEqual(normalizeBody({ a: 1, user: 'u', metadata: { user_id: 'x' } }), { a: 1 });
  assert.deepEqual(normalizeBody({ id: 'call_abcdefABCDEF_0' }), normalizeBody({ id: 'call_zzzzzzzzzzzz_0' }));
});

test('the first difference is reported in the order of the request', () => {
  const d = differences({ a: 1, b: [1, 2] }, { b: [1, 3], a: 2 }, 'body');
  assert.deepEqual(d.map((x) => x.field), ['body.b[1]', 'body.a']);
});

test('the closest cassette is the one with the fewest differences, same endpoint first', () => {
  const cs = [cassette('far.json', { x: 1 }, '/other'), cassette('near.json', { m: [1, 2], s: true }), cassette('mid.json', { m: [9, 9], s: false })];
  const r = findCassette(cs, { method: 'POST', path: '/v1/messages', body: { m: [1, 3], s: true } });
  assert.equal(r.match, undefined);
  assert.equal(r.closest?.cassette.file, 'near.json');
  assert.deepEqual(r.closest?.first, { field: 'body.m[1]', recorded: 2, received: 3 });
  assert.equal(findCassette(cs, { method: 'POST', path: '/v1/messages', body: { s: true, m: [1, 2] } }).match?.file, 'near.json');
});
