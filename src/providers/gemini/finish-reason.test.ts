import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finishError, mapFinishReason } from './finish-reason.js';

test('finishReason table', () => {
  assert.equal(mapFinishReason('STOP', false), 'stop');
  assert.equal(mapFinishReason('STOP', true), 'tool_calls');
  assert.equal(mapFinishReason(undefined, true), 'tool_calls');
  assert.equal(mapFinishReason('MAX_TOKENS', true), 'length');
  for (const r of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) assert.equal(mapFinishReason(r, false), 'content_filter');
  assert.equal(mapFinishReason('SOMETHING_NEW', false), 'stop');
});
test('function-calling failures are errors; the rest are not', () => {
  for (const r of ['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']) assert.ok(finishError(r, undefined, 'p'));
  for (const r of ['STOP', 'MAX_TOKENS', 'SAFETY', undefined]) assert.equal(finishError(r, undefined, 'p'), undefined);
});
