import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalRequest, CanonicalResponse, StreamEvent } from '../../schema/canonical.js';
import { limitToolCallEvents, limitToolCalls, toolCallLimit } from './tool-call-limit.js';

const req = (toolChoice?: CanonicalRequest['toolChoice'], parallelToolCalls?: boolean) => ({ toolChoice, parallelToolCalls }) as CanonicalRequest;
const call = (id: string) => ({ id, type: 'function' as const, function: { name: 'f', arguments: '{}' } });

test('the limit: none → 0 where the upstream cannot say none, parallel false → 1 where it has no switch', () => {
  assert.equal(toolCallLimit(req({ type: 'none' }), { none: false, parallel: true }), 0);
  assert.equal(toolCallLimit(req({ type: 'none' }), { none: true, parallel: true }), undefined);
  assert.equal(toolCallLimit(req({ type: 'auto' }, false), { none: true, parallel: false }), 1);
  assert.equal(toolCallLimit(req({ type: 'auto' }, false), { none: true, parallel: true }), undefined);
  assert.equal(toolCallLimit(req(undefined, true), { none: false, parallel: false }), undefined);
  assert.equal(toolCallLimit(undefined, { none: false, parallel: false }), undefined);
});

test('responses: extra calls dropped; none left → stop', () => {
  const res: CanonicalResponse = { content: null, toolCalls: [call('a'), call('b')], finishReason: 'tool_calls', nativeFinishReason: 'x' };
  assert.deepEqual(limitToolCalls(res, 1).toolCalls, [call('a')]);
  assert.equal(limitToolCalls(res, 1).finishReason, 'tool_calls');
  assert.equal(limitToolCalls(res, 0).finishReason, 'stop');
  assert.equal(limitToolCalls(res, undefined), res);
});

test('streams: events of calls past the limit are dropped; none left → stop', () => {
  const events: StreamEvent[] = [
    { type: 'text', text: 'x' },
    { type: 'tool_call_start', index: 3, id: 'a', name: 'f' },
    { type: 'tool_call_start', index: 5, id: 'b', name: 'f' },
    { type: 'tool_call_delta', index: 5, arguments: '{}' },
    { type: 'tool_call_delta', index: 3, arguments: '{"q":1}' },
    { type: 'finish', reason: 'tool_calls', native: 'tool_use' },
  ];
  const run = (max: number) => {
    const out: StreamEvent[] = [];
    const emit = limitToolCallEvents((e) => out.push(e), max);
    for (const e of events) emit(e);
    return out;
  };
  assert.deepEqual(run(1), [events[0], events[1], events[4], events[5]]);
  assert.deepEqual(run(0), [events[0], { type: 'finish', reason: 'stop', native: 'tool_use' }]);
});
