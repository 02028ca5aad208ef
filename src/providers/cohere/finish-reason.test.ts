import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapCohereFinish } from './finish-reason.js';

test('every SDK ChatFinishReason maps', () => {
  const table = { COMPLETE: 'stop', STOP_SEQUENCE: 'stop', MAX_TOKENS: 'length', TOOL_CALL: 'tool_calls', ERROR: 'error', TIMEOUT: 'error' };
  for (const [k, v] of Object.entries(table)) assert.equal(mapCohereFinish(k), v);
  assert.equal(mapCohereFinish('NEW'), 'stop');
  assert.equal(mapCohereFinish(null), 'stop');
});
