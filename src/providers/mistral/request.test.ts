import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { AdapterContext } from '../types.js';
import { buildMistralBody, buildMistralRequest, mistralToolChoice } from './request.js';

const ctx = (): AdapterContext => ({
  provider: { name: 'mistral', type: 'mistral', base_url: 'https://api.mistral.ai/v1', api_key: 'k', headers: {}, timeout_ms: 1 },
  endpoint: { provider: 'mistral', model: 'mistral-small-latest', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'g',
});
const req = (over: Partial<CanonicalRequest> = {}, body: Record<string, unknown> = {}): CanonicalRequest => ({
  body: { model: 'x', messages: [], ...body } as CanonicalRequest['body'],
  messages: [{ role: 'user', content: 'hi' }],
  tools: undefined, toolChoice: undefined, parallelToolCalls: undefined, reasoning: undefined, maxTokens: undefined, stop: undefined, stream: false,
  ...over,
});

test('tool_choice table', () => {
  assert.equal(mistralToolChoice({ type: 'none' }), 'none');
  assert.equal(mistralToolChoice({ type: 'auto' }), 'auto');
  assert.equal(mistralToolChoice({ type: 'required' }), 'any');
  assert.deepEqual(mistralToolChoice({ type: 'function', name: 'f' }), { type: 'function', function: { name: 'f' } });
  assert.equal(mistralToolChoice(undefined), undefined);
});

test('only Mistral fields, under Mistral names; unknown client fields dropped', () => {
  const b = buildMistralBody(req({ maxTokens: 50, stop: ['x'], stream: true, reasoning: { enabled: true, effort: 'high', exclude: false } }, { seed: 3, temperature: 0.3, user: 'u', logit_bias: { 1: 2 }, top_k: 5 }), ctx());
  assert.deepEqual(b, { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'hi' }], random_seed: 3, temperature: 0.3, max_tokens: 50, stop: ['x'], reasoning_effort: 'high', stream: true });
});

test('tools: cache_control and null strict stripped; parallel_tool_calls forwarded only with tools', () => {
  const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' }, strict: null }, cache_control: { type: 'ephemeral' as const } }];
  const b = buildMistralBody(req({ tools, toolChoice: { type: 'required' }, parallelToolCalls: false }), ctx());
  assert.deepEqual(b.tools, [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }]);
  assert.equal(b.tool_choice, 'any');
  assert.equal(b.parallel_tool_calls, false);
  assert.equal(buildMistralBody(req({ parallelToolCalls: false }), ctx()).parallel_tool_calls, undefined);
});

test('URL and auth', () => {
  const r = buildMistralRequest(req(), ctx());
  assert.equal(r.url, 'https://api.mistral.ai/v1/chat/completions');
  assert.equal(r.headers.authorization, 'Bearer k');
});
