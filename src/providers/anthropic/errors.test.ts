import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ctx } from './__fixtures__/context.js';
import { embeddedError, parseAnthropicError } from './errors.js';

const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });

describe('Anthropic error → gateway error', () => {
  const table: [number, string, number, string, boolean][] = [
    [400, 'invalid_request_error', 400, 'invalid_request', false],
    [401, 'authentication_error', 502, 'authentication', false],
    [402, 'billing_error', 402, 'payment_required', false],
    [403, 'permission_error', 502, 'permission_denied', false],
    [404, 'not_found_error', 404, 'not_found', false],
    [413, 'request_too_large', 413, 'payload_too_large', false],
    [429, 'rate_limit_error', 429, 'rate_limit_exceeded', true],
    [500, 'api_error', 502, 'provider_unavailable', true],
    [504, 'timeout_error', 408, 'timeout', true],
    [529, 'overloaded_error', 529, 'provider_overloaded', true],
  ];
  for (const [status, type, want, errorType, retryable] of table) {
    test(`${status} ${type} → ${want}`, () => {
      const raw = body(type, `a ${type}`);
      const e = parseAnthropicError(status, {}, raw, ctx());
      assert.equal(e.status, want);
      assert.equal(e.message, `[anthropic] a ${type}`);
      assert.equal(e.retryable, retryable);
      assert.deepEqual(e.metadata, { provider_name: 'anthropic', raw, upstream_status: status, error_type: errorType });
    });
  }
  test('retry-after is kept', () => {
    const e = parseAnthropicError(429, { 'retry-after': '7' }, body('rate_limit_error', 'slow down'), ctx());
    assert.equal(e.retryAfterMs, 7000);
    assert.deepEqual(e.headers, { 'retry-after': '7' });
  });
  test('prompt too long → context_length_exceeded', () => {
    const e = parseAnthropicError(400, {}, body('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), ctx());
    assert.equal(e.metadata?.error_type, 'context_length_exceeded');
  });
  test('a body that is not Anthropic JSON', () => {
    const e = parseAnthropicError(502, {}, '<html>bad gateway</html>', ctx());
    assert.equal(e.status, 502);
    assert.match(e.message, /bad gateway/);
    assert.equal(parseAnthropicError(503, {}, '', ctx()).message, '[anthropic] upstream returned HTTP 503');
  });
  test('an error event in a 200 stream takes its status from the type', () => {
    const e = embeddedError(body('overloaded_error', 'Overloaded'), ctx());
    assert.equal(e.status, 529);
    assert.equal(e.retryable, true);
    assert.equal(e.metadata?.error_type, 'provider_overloaded');
    assert.equal(embeddedError('{"type":"error","error":{"type":"new_kind","message":"?"}}', ctx()).status, 502);
  });
});
