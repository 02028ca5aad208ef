import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapStopReason } from './finish-reason.js';

test('stop_reason table', () => {
  assert.equal(mapStopReason('end_turn'), 'stop');
  assert.equal(mapStopReason('stop_sequence'), 'stop');
  assert.equal(mapStopReason('pause_turn'), 'stop');
  assert.equal(mapStopReason('tool_use'), 'tool_calls');
  assert.equal(mapStopReason('max_tokens'), 'length');
  assert.equal(mapStopReason('model_context_window_exceeded'), 'length');
  assert.equal(mapStopReason('refusal'), 'content_filter');
  assert.equal(mapStopReason('something_new'), 'stop');
  assert.equal(mapStopReason(null), 'stop');
});
