import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import { parseToolArguments, toolArgumentsObject } from './tool-arguments.js';

describe('parseToolArguments', () => {
  test('a JSON object', () => assert.deepEqual(parseToolArguments('{"a":1,"b":[2]}'), { ok: true, value: { a: 1, b: [2] } }));
  test('missing, empty, whitespace and null are {}', () => {
    for (const a of [undefined, null, '', '  \n', 'null']) assert.deepEqual(parseToolArguments(a), { ok: true, value: {} }, String(a));
  });
  test('a double-encoded object is unwrapped', () => assert.deepEqual(parseToolArguments(JSON.stringify('{"city":"Paris"}')), { ok: true, value: { city: 'Paris' } }));
  test('invalid JSON is reported, not thrown', () => {
    const r = parseToolArguments('{"city": "Par');
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /not valid JSON/);
  });
  test('arrays and scalars are not objects', () => {
    assert.match((parseToolArguments('[1,2]') as { reason: string }).reason, /JSON array, not a JSON object/);
    assert.match((parseToolArguments('42') as { reason: string }).reason, /JSON number/);
    assert.match((parseToolArguments('"plain words"') as { reason: string }).reason, /JSON string/);
  });
});

describe('toolArgumentsObject', () => {
  test('returns the object', () => assert.deepEqual(toolArgumentsObject('{"x":true}', 'p'), { x: true }));
  test('a 400 that names the path and the call', () => {
    assert.throws(
      () => toolArgumentsObject('{oops', 'messages[2].tool_calls[1].function.arguments', 'call_9'),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && /messages\[2\]\.tool_calls\[1\]\.function\.arguments \(tool call "call_9"\): arguments must be a JSON object/.test(e.message),
    );
  });
});
