import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapUsage } from './usage.js';

test('usageMetadata → canonical usage', () => {
  assert.equal(mapUsage(undefined), undefined);
  assert.deepEqual(mapUsage({ promptTokenCount: 10, candidatesTokenCount: 3, totalTokenCount: 13 }), { promptTokens: 10, completionTokens: 3 });
  assert.deepEqual(mapUsage({ promptTokenCount: 50, cachedContentTokenCount: 20, candidatesTokenCount: 3, thoughtsTokenCount: 12, toolUsePromptTokenCount: 5 }), {
    promptTokens: 55,
    completionTokens: 15,
    cachedTokens: 20,
    reasoningTokens: 12,
  });
  assert.deepEqual(mapUsage({}), { promptTokens: 0, completionTokens: 0 });
});
