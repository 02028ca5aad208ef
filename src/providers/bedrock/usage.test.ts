import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapBedrockUsage } from './usage.js';

test('cache read and write are added to the prompt and reported', () => {
  assert.deepEqual(mapBedrockUsage({ inputTokens: 10, outputTokens: 2, totalTokens: 1062, cacheReadInputTokens: 1000, cacheWriteInputTokens: 50 }), { promptTokens: 1060, completionTokens: 2, cachedTokens: 1000, cacheWriteTokens: 50 });
  assert.deepEqual(mapBedrockUsage({ inputTokens: 1, outputTokens: 1 }), { promptTokens: 1, completionTokens: 1 });
  assert.equal(mapBedrockUsage(undefined), undefined);
});
