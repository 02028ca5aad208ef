import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalRequest } from '../schema/canonical.js';
import { PARAMETER_FIELDS, unsupportedParameters, withoutParameters } from './restrict.js';

const req = (body: Record<string, unknown>, tools?: unknown[]) => ({ body, tools }) as unknown as CanonicalRequest;

test('unsupportedParameters: the used ones the endpoint lacks, in PARAMETER_FIELDS order whatever the body\'s order', () => {
  const body = { model: 'm', messages: [], stop: ['x'], seed: 1, temperature: 0.2, top_k: null, tools: [{}], logprobs: true, user: 'u' };
  assert.deepEqual(unsupportedParameters(req(body, [{}]), ['temperature']), ['logprobs', 'seed', 'stop', 'tools']);
  assert.deepEqual(unsupportedParameters(req(body, [{}]), PARAMETER_FIELDS), []);
  assert.deepEqual(unsupportedParameters(req({ tools: [] }), []), [], 'an empty tools list is no tools');
  assert.deepEqual(unsupportedParameters(req({ max_completion_tokens: 5, response_format: {}, reasoning_effort: 'low' }), ['max_tokens', 'structured_outputs', 'reasoning']), [], 'aliases');
  assert.deepEqual(unsupportedParameters(req({ max_tokens: 5, include_reasoning: true }), ['max_completion_tokens']), ['include_reasoning']);
  const copy = withoutParameters(req(body, [{}]), ['seed', 'tools']);
  assert.deepEqual(Object.keys(copy.body).sort(), ['logprobs', 'messages', 'model', 'stop', 'temperature', 'top_k', 'user']);
  assert.equal(copy.tools, undefined);
});
