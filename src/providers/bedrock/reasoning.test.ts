import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../schema/types.js';
import type { EndpointConfig } from '../types.js';
import { planReasoning } from './reasoning.js';

const ep = (over: Record<string, unknown> = {}) => ({ provider: 'aws', model: 'm', pricing: { prompt: '0', completion: '0' }, supported_parameters: [], ...over }) as EndpointConfig;
const hi: Message[] = [{ role: 'user', content: 'hi' }];

test('no reasoning asked (or disabled): nothing added, client max kept', () => {
  assert.deepEqual(planReasoning(undefined, 'anthropic', 500, ep(), hi), { fields: {}, maxTokens: 500, thinking: false });
  assert.deepEqual(planReasoning({ enabled: false, effort: 'none', exclude: false }, 'other', undefined, ep(), hi), { fields: {}, maxTokens: undefined, thinking: false });
  // Claude always gets an output limit: the endpoint's default_max_tokens, else 4096
  assert.equal(planReasoning(undefined, 'anthropic', undefined, ep(), hi).maxTokens, 4096);
  assert.equal(planReasoning(undefined, 'anthropic', undefined, ep({ default_max_tokens: 8000 }), hi).maxTokens, 8000);
});

test('Claude: budget from max_tokens or effort, at least 1024, maxTokens above the budget, endpoint cap respected', () => {
  assert.deepEqual(planReasoning({ enabled: true, maxTokens: 2000, exclude: false }, 'anthropic', 1000, ep(), hi), { fields: { thinking: { type: 'enabled', budget_tokens: 2000 } }, maxTokens: 3000, thinking: true });
  assert.deepEqual(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'anthropic', 10000, ep(), hi).fields, { thinking: { type: 'enabled', budget_tokens: 8000 } });
  assert.equal(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'anthropic', 10000, ep(), hi).maxTokens, 10000);
  assert.deepEqual(planReasoning({ enabled: true, effort: 'minimal', exclude: false }, 'anthropic', undefined, ep(), hi).fields, { thinking: { type: 'enabled', budget_tokens: 1024 } });
  assert.equal(planReasoning({ enabled: true, maxTokens: 5000, exclude: false }, 'anthropic', 2000, ep({ max_completion_tokens: 6000 }), hi).maxTokens, 6000);
});

test('Claude: a tool turn whose signed thinking the client dropped → thinking off for this request', () => {
  const history: Message[] = [...hi, { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 't', content: 'r' }];
  assert.equal(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'anthropic', 1000, ep(), history).thinking, false);
  const signed: Message[] = [...hi, { role: 'assistant', content: null, reasoning_details: [{ type: 'reasoning.text', text: 'x', signature: 's', format: 'anthropic-claude-v1' }], tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 't', content: 'r' }];
  assert.equal(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'anthropic', 1000, ep(), signed).thinking, true);
});

test('Nova reasoningConfig, gpt-oss reasoning_effort, other families nothing', () => {
  assert.deepEqual(planReasoning({ enabled: true, effort: 'xhigh', exclude: false }, 'nova', 100, ep(), hi).fields, { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'high' } });
  assert.deepEqual(planReasoning({ enabled: true, maxTokens: 5000, exclude: false }, 'openai', 100, ep(), hi).fields, { reasoning_effort: 'medium' });
  assert.deepEqual(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'other', 100, ep(), hi), { fields: {}, maxTokens: 100, thinking: false });
});
