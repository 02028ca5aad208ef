import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapUsage, mergeUsage } from './usage.js';

test('cache reads and writes are added to prompt tokens and reported in the details', () => {
  assert.deepEqual(mapUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 30 }), {
    promptTokens: 140,
    completionTokens: 5,
    cachedTokens: 100,
    cacheWriteTokens: 30,
  });
  assert.deepEqual(mapUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: null, cache_creation_input_tokens: 0 }), { promptTokens: 10, completionTokens: 5 });
  assert.deepEqual(mapUsage({ input_tokens: 1, output_tokens: 9, output_tokens_details: { thinking_tokens: 7 } })?.reasoningTokens, 7);
  assert.equal(mapUsage(undefined), undefined);
});

test('streamed usage: message_delta values override message_start, nulls do not', () => {
  const u = mergeUsage({}, { input_tokens: 472, output_tokens: 2, cache_read_input_tokens: 5 });
  mergeUsage(u, { input_tokens: null, output_tokens: 89, cache_read_input_tokens: null });
  assert.deepEqual(mapUsage(u), { promptTokens: 477, completionTokens: 89, cachedTokens: 5 });
});
