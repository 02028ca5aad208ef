import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planReasoning } from './reasoning.js';

test('no reasoning asked (or disabled): nothing added, client max kept', () => {
  assert.deepEqual(planReasoning(undefined, 'anthropic', 500), { fields: {}, maxTokens: 500, thinking: false });
  assert.deepEqual(planReasoning({ enabled: false, effort: 'none', exclude: false }, 'anthropic', undefined), { fields: {}, maxTokens: undefined, thinking: false });
});

test('Anthropic: budget from max_tokens or effort, at least 1024, maxTokens above the budget', () => {
  assert.deepEqual(planReasoning({ enabled: true, maxTokens: 2000, exclude: false }, 'anthropic', 1000), { fields: { thinking: { type: 'enabled', budget_tokens: 2000 } }, maxTokens: 3000, thinking: true });
  assert.deepEqual(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'anthropic', 10000).fields, { thinking: { type: 'enabled', budget_tokens: 8000 } });
  assert.equal(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'anthropic', 10000).maxTokens, 10000);
  assert.deepEqual(planReasoning({ enabled: true, effort: 'minimal', exclude: false }, 'anthropic', undefined).fields, { thinking: { type: 'enabled', budget_tokens: 1024 } });
});

test('Nova reasoningConfig, gpt-oss reasoning_effort, other families nothing', () => {
  assert.deepEqual(planReasoning({ enabled: true, effort: 'xhigh', exclude: false }, 'nova', 100).fields, { reasoningConfig: { type: 'enabled', maxReasoningEffort: 'high' } });
  assert.deepEqual(planReasoning({ enabled: true, maxTokens: 5000, exclude: false }, 'openai', 100).fields, { reasoning_effort: 'medium' });
  assert.deepEqual(planReasoning({ enabled: true, effort: 'high', exclude: false }, 'other', 100), { fields: {}, maxTokens: 100, thinking: false });
});
