import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { errorMessage, parseMistralError } from './errors.js';
import { mistralIdFor } from '../shared/mistral-ids.js';

test('error bodies: object error, nested 422 detail, FastAPI detail, plain message, empty', () => {
  assert.equal(errorMessage(400, '{"object":"error","message":"bad","type":"invalid_request_error","param":null,"code":"3051"}'), 'bad');
  assert.equal(errorMessage(422, '{"object":"error","message":{"detail":[{"loc":["body","messages",0,"role"],"msg":"Field required"}]}}'), 'messages.0.role: Field required');
  assert.equal(errorMessage(422, '{"detail":[{"loc":["body","seed"],"msg":"Extra inputs are not permitted"},{"loc":["body","x"],"msg":"y"}]}'), 'seed: Extra inputs are not permitted; x: y');
  assert.equal(errorMessage(401, '{"message":"Unauthorized","request_id":"r"}'), 'Unauthorized');
  assert.equal(errorMessage(503, ''), 'upstream returned HTTP 503');
});

test('status mapping, provider name, rewritten ids restored in the message', () => {
  const ctx = { provider: { name: 'mistral' } } as unknown as AdapterContext;
  const mapped = mistralIdFor('call_zz');
  (ctx as { request?: unknown }).request = { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'call_zz', type: 'function', function: { name: 'f', arguments: '{}' } }] }] };
  const e = parseMistralError(400, {}, JSON.stringify({ object: 'error', message: `Tool call id was ${mapped} but must be…`, code: '3280' }), ctx);
  assert.equal(e.status, 400);
  assert.equal(e.message, '[mistral] Tool call id was call_zz but must be…');
  assert.equal(e.metadata?.provider_name, 'mistral');
  assert.equal(parseMistralError(429, { 'retry-after': '1' }, '{"message":"Requests rate limit exceeded"}', ctx).retryable, true);
  assert.equal(parseMistralError(401, {}, '{"message":"Unauthorized"}', ctx).status, 502);
});
