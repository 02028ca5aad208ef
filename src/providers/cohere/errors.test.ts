import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { parseCohereError } from './errors.js';

const ctx = { provider: { name: 'co' } } as unknown as AdapterContext;

test('message bodies, status mapping incl. 498/499, retryability', () => {
  const e = parseCohereError(400, {}, '{"id":"x","message":"invalid request: bad"}', ctx);
  assert.equal(e.status, 400);
  assert.equal(e.message, '[co] invalid request: bad');
  assert.equal(e.metadata?.provider_name, 'co');
  assert.equal(parseCohereError(498, {}, '{"message":"invalid api token"}', ctx).status, 502);
  assert.equal(parseCohereError(499, {}, '{"message":"cancelled"}', ctx).status, 502);
  const r = parseCohereError(429, { 'retry-after': '3' }, '{"message":"slow"}', ctx);
  assert.equal(r.status, 429);
  assert.equal(r.retryable, true);
  assert.equal(r.retryAfterMs, 3000);
  assert.equal(parseCohereError(500, {}, 'oops', ctx).message, '[co] oops');
});
