import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { FunctionTool } from '../../schema/types.js';
import type { AdapterContext } from '../types.js';
import { buildCohereBody, buildCohereRequest } from './request.js';

const ctx = (): AdapterContext => ({
  provider: { name: 'co', type: 'cohere', base_url: 'https://api.cohere.com', api_key: 'k', headers: {}, timeout_ms: 1 },
  endpoint: { provider: 'co', model: 'command-r-plus', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'g',
});
const req = (over: Partial<CanonicalRequest> = {}, body: Record<string, unknown> = {}): CanonicalRequest => ({
  body: { model: 'x', messages: [], ...body } as CanonicalRequest['body'],
  messages: [{ role: 'user', content: 'hi' }],
  tools: undefined, toolChoice: undefined, parallelToolCalls: undefined, reasoning: undefined, maxTokens: undefined, stop: undefined, stream: false,
  ...over,
});
const tools: FunctionTool[] = [
  { type: 'function', function: { name: 'a', description: 'A', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'b', strict: true } },
];

test('parameters under Cohere names; unknown fields dropped; response_format', () => {
  const b = buildCohereBody(req({ maxTokens: 10, stop: ['x'], stream: true }, { temperature: 0.1, top_p: 0.5, top_k: 3, seed: 1, user: 'u', response_format: { type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } } } }), ctx());
  assert.deepEqual(b, { model: 'command-r-plus', messages: [{ role: 'user', content: 'hi' }], temperature: 0.1, p: 0.5, k: 3, seed: 1, max_tokens: 10, stop_sequences: ['x'], response_format: { type: 'json_object', json_schema: { type: 'object' } }, stream: true });
});

test('tools and tool_choice table; strict_tools when a tool is strict', () => {
  const auto = buildCohereBody(req({ tools, toolChoice: { type: 'auto' } }), ctx());
  assert.equal(auto.tool_choice, undefined);
  assert.equal(auto.strict_tools, true);
  assert.deepEqual(auto.tools, [
    { type: 'function', function: { name: 'a', description: 'A', parameters: { type: 'object' } } },
    { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
  ]);
  assert.equal(buildCohereBody(req({ tools, toolChoice: { type: 'none' } }), ctx()).tool_choice, 'NONE');
  assert.equal(buildCohereBody(req({ tools, toolChoice: { type: 'required' } }), ctx()).tool_choice, 'REQUIRED');
  const named = buildCohereBody(req({ tools, toolChoice: { type: 'function', name: 'a' } }), ctx());
  assert.equal(named.tool_choice, 'REQUIRED');
  assert.deepEqual((named.tools as any[]).map((t) => t.function.name), ['a']);
  assert.equal(named.strict_tools, undefined);
});

test('reasoning → thinking', () => {
  assert.deepEqual(buildCohereBody(req({ reasoning: { enabled: true, maxTokens: 500, exclude: false } }), ctx()).thinking, { type: 'enabled', token_budget: 500 });
  assert.deepEqual(buildCohereBody(req({ reasoning: { enabled: true, effort: 'high', exclude: false } }), ctx()).thinking, { type: 'enabled' });
  assert.deepEqual(buildCohereBody(req({ reasoning: { enabled: false, effort: 'none', exclude: false } }), ctx()).thinking, { type: 'disabled' });
});

test('URL and auth', () => {
  const r = buildCohereRequest(req(), ctx());
  assert.equal(r.url, 'https://api.cohere.com/v2/chat');
  assert.equal(r.headers.authorization, 'Bearer k');
});
