import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapCohereUsage } from './usage.js';

test('tokens preferred, billed_units as fallback, cached tokens kept', () => {
  assert.deepEqual(mapCohereUsage({ billed_units: { input_tokens: 1, output_tokens: 2 }, tokens: { input_tokens: 3, output_tokens: 4 }, cached_tokens: 2 }), { promptTokens: 3, completionTokens: 4, cachedTokens: 2 });
  assert.deepEqual(mapCohereUsage({ billed_units: { input_tokens: 1, output_tokens: 2 } }), { promptTokens: 1, completionTokens: 2 });
  assert.equal(mapCohereUsage(undefined), undefined);
});
