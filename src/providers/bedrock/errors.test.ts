import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { exceptionName, parseBedrockError } from './errors.js';

const ctx = { provider: { name: 'aws' } } as unknown as AdapterContext;

test('exception names from the x-amzn-ErrorType header and stream headers', () => {
  assert.equal(exceptionName('ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/'), 'ThrottlingException');
  assert.equal(exceptionName('throttlingException'), 'ThrottlingException');
  assert.equal(exceptionName('com.amazon.coral.service#ExpiredTokenException'), 'ExpiredTokenException');
  assert.equal(exceptionName(''), undefined);
});

test('HTTP errors: status mapping, name in the message, provider name and raw body, retryability', () => {
  const v = parseBedrockError(400, { 'x-amzn-errortype': 'ValidationException:http://x/' }, '{"message":"messages: blank text"}', ctx);
  assert.equal(v.status, 400);
  assert.equal(v.message, '[aws] ValidationException: messages: blank text');
  assert.equal(v.retryable, false);
  assert.deepEqual(v.metadata?.provider_name, 'aws');
  assert.equal(v.metadata?.raw, '{"message":"messages: blank text"}');
  const q = parseBedrockError(400, { 'x-amzn-errortype': 'ServiceQuotaExceededException' }, '{"message":"quota"}', ctx);
  assert.equal(q.retryable, false);
  const t = parseBedrockError(429, { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '2' }, '{"message":"Too many requests"}', ctx);
  assert.equal(t.status, 429);
  assert.equal(t.retryable, true);
  assert.equal(t.retryAfterMs, 2000);
  assert.equal(parseBedrockError(403, { 'x-amzn-errortype': 'AccessDeniedException' }, '{"Message":"denied"}', ctx).status, 502);
  const m = parseBedrockError(424, { 'x-amzn-errortype': 'ModelErrorException' }, '{"message":"model failed"}', ctx);
  assert.equal(m.status, 502);
  assert.equal(m.retryable, false);
  assert.equal(parseBedrockError(503, {}, '', ctx).message, '[aws] upstream returned HTTP 503');
});
