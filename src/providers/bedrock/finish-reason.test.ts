import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapStopReason } from './finish-reason.js';

test('every SDK StopReason maps; unknown and missing are stop', () => {
  const table = { end_turn: 'stop', stop_sequence: 'stop', tool_use: 'tool_calls', max_tokens: 'length', model_context_window_exceeded: 'length', content_filtered: 'content_filter', guardrail_intervened: 'content_filter', malformed_model_output: 'error', malformed_tool_use: 'error' };
  for (const [k, v] of Object.entries(table)) assert.equal(mapStopReason(k), v, k);
  assert.equal(mapStopReason('something_new'), 'stop');
  assert.equal(mapStopReason(undefined), 'stop');
});
