import assert from 'node:assert/strict';
import { test } from 'node:test';
import { thinkingConfig, usesThinkingLevel } from './reasoning.js';

test('no reasoning asked → no thinkingConfig', () => assert.equal(thinkingConfig(undefined, 'gemini-2.5-flash'), undefined));
test('a token budget → thinkingBudget, thoughts included', () =>
  assert.deepEqual(thinkingConfig({ enabled: true, maxTokens: 3000, exclude: false }, 'gemini-2.5-flash'), { thinkingBudget: 3000, includeThoughts: true }));
test('budgets are clamped to the family range', () => {
  assert.equal(thinkingConfig({ enabled: true, maxTokens: 50000, exclude: false }, 'gemini-2.5-flash')!.thinkingBudget, 24576);
  assert.equal(thinkingConfig({ enabled: true, maxTokens: 50000, exclude: false }, 'gemini-2.5-pro')!.thinkingBudget, 32768);
  assert.equal(thinkingConfig({ enabled: true, maxTokens: 16, exclude: false }, 'gemini-2.5-pro')!.thinkingBudget, 128);
  assert.equal(thinkingConfig({ enabled: true, maxTokens: 50000, exclude: false }, 'some-tuned-model')!.thinkingBudget, 50000);
});
test('effort on 2.5 → a budget', () =>
  assert.deepEqual(thinkingConfig({ enabled: true, effort: 'high', exclude: false }, 'gemini-2.5-pro'), { thinkingBudget: 16384, includeThoughts: true }));
test('effort on Gemini 3 → thinkingLevel', () =>
  assert.deepEqual(thinkingConfig({ enabled: true, effort: 'low', exclude: false }, 'gemini-3-pro-preview'), { thinkingLevel: 'LOW', includeThoughts: true }));
test('enabled without budget or effort → dynamic', () =>
  assert.deepEqual(thinkingConfig({ enabled: true, exclude: false }, 'gemini-2.5-flash'), { thinkingBudget: -1, includeThoughts: true }));
test('exclude keeps thinking on but asks for no thoughts', () =>
  assert.deepEqual(thinkingConfig({ enabled: true, effort: 'medium', exclude: true }, 'gemini-2.5-flash'), { thinkingBudget: 8192 }));
test('effort none → off where possible, the least where not', () => {
  const none = { enabled: false, effort: 'none' as const, exclude: false };
  assert.deepEqual(thinkingConfig(none, 'gemini-2.5-flash'), { thinkingBudget: 0 });
  assert.deepEqual(thinkingConfig(none, 'gemini-2.5-pro'), { thinkingBudget: 128 });
  assert.deepEqual(thinkingConfig(none, 'gemini-3-pro-preview'), { thinkingLevel: 'LOW' });
  assert.deepEqual(thinkingConfig({ enabled: false, exclude: false }, 'gemini-2.5-flash'), { thinkingBudget: 0 });
});
test('include_reasoning:false alone ("do not show") leaves the model default', () =>
  assert.equal(thinkingConfig({ enabled: false, exclude: true }, 'gemini-2.5-flash'), undefined));
test('model families', () => {
  assert.ok(usesThinkingLevel('gemini-3-flash-preview'));
  assert.ok(usesThinkingLevel('models/gemini-3-pro'));
  assert.ok(!usesThinkingLevel('gemini-2.5-flash'));
});
