import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ctx } from './__fixtures__/context.js';
import { parseGeminiError } from './errors.js';

const body = (code: number, status: string, message: string, details: unknown[] = []) => JSON.stringify({ error: { code, message, status, details } });

describe('parseGeminiError', () => {
  test('INVALID_ARGUMENT → 400, not retryable, raw kept', () => {
    const raw = body(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo"');
    const e = parseGeminiError(400, {}, raw, ctx);
    assert.equal(e.status, 400);
    assert.equal(e.retryable, false);
    assert.equal(e.message, '[gem] INVALID_ARGUMENT: Invalid JSON payload received. Unknown name "foo"');
    assert.deepEqual(e.metadata, { provider_name: 'gem', raw, upstream_status: 400, error_type: 'invalid_request' });
  });
  test('an invalid API key (a Google 400) is the operator\'s problem → 502', () => {
    const e = parseGeminiError(400, {}, body(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]), ctx);
    assert.equal(e.status, 502);
    assert.equal(e.metadata!.error_type, 'authentication');
  });
  test('PERMISSION_DENIED → 502 (upstream credentials)', () => assert.equal(parseGeminiError(403, {}, body(403, 'PERMISSION_DENIED', 'denied'), ctx).status, 502));
  test('RESOURCE_EXHAUSTED with RetryInfo → 429, retryable, retry-after from retryDelay', () => {
    const e = parseGeminiError(429, {}, body(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
    ]), ctx);
    assert.equal(e.status, 429);
    assert.ok(e.retryable);
    assert.equal(e.retryAfterMs, 37000);
    assert.deepEqual(e.headers, { 'retry-after': '37' });
    assert.equal(e.metadata!.error_type, 'rate_limit_exceeded');
  });
  test('UNAVAILABLE → 503 retryable; INTERNAL → 502; DEADLINE_EXCEEDED → 408', () => {
    assert.equal(parseGeminiError(503, {}, body(503, 'UNAVAILABLE', 'overloaded'), ctx).status, 503);
    assert.ok(parseGeminiError(503, {}, body(503, 'UNAVAILABLE', 'overloaded'), ctx).retryable);
    assert.equal(parseGeminiError(500, {}, body(500, 'INTERNAL', 'oops'), ctx).status, 502);
    assert.equal(parseGeminiError(504, {}, body(504, 'DEADLINE_EXCEEDED', 'slow'), ctx).status, 408);
  });
  test('a JSON-array body (non-SSE stream) and a non-JSON body', () => {
    assert.match(parseGeminiError(404, {}, `[${body(404, 'NOT_FOUND', 'models/x is not found')}]`, ctx).message, /NOT_FOUND: models\/x is not found/);
    const e = parseGeminiError(502, {}, '<html>Bad Gateway</html>', ctx);
    assert.equal(e.status, 502);
    assert.match(e.message, /Bad Gateway/);
  });
});
