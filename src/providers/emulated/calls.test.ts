import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FunctionTool } from '../../schema/types.js';
import { checkBlock } from './calls.js';
import { argumentProblems, validatorFor } from './validate.js';

const TOOLS: FunctionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'], additionalProperties: false } } },
  { type: 'function', function: { name: 'ping' } },
];
const block = (body: string, closed = true) => ({ type: 'call' as const, body, raw: `<tool_call>${body}</tool_call>`, closed });

describe('emulated tools: checking a call', () => {
  test('well-formed: one object, a list, a fenced body, string arguments, no arguments', () => {
    assert.deepEqual(checkBlock(block('{"name":"get_weather","arguments":{"city":"Oslo"}}'), TOOLS, undefined), { ok: true, calls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    assert.equal((checkBlock(block('[{"name":"ping"},{"name":"get_weather","arguments":{"city":"A"}}]'), TOOLS, undefined) as any).calls.length, 2);
    assert.equal(checkBlock(block('```json\n{"name":"ping","arguments":{}}\n```'), TOOLS, undefined).ok, true);
    assert.deepEqual((checkBlock(block('{"name":"get_weather","arguments":"{\\"city\\":\\"B\\"}"}'), TOOLS, undefined) as any).calls[0].arguments, '{"city":"B"}');
    assert.deepEqual((checkBlock(block('{"name":"ping"}'), TOOLS, undefined) as any).calls[0].arguments, '{}');
  });

  test('malformed: bad JSON, unclosed, unknown tool, wrong forced tool, schema violations (with paths)', () => {
    const err = (b: ReturnType<typeof block>, choice?: any) => (checkBlock(b, TOOLS, choice) as { error: string }).error;
    assert.match(err(block('{"name":"get_weather","arguments":{"city":')), /not valid JSON/);
    assert.match(err(block('{"name":"get_weather"', false)), /never closed/);
    assert.match(err(block('{"name":"get_wether","arguments":{}}')), /no tool named "get_wether" \(tools: get_weather, ping\)/);
    assert.match(err(block('{"name":"ping"}'), { type: 'function', name: 'get_weather' }), /must call "get_weather", not "ping"/);
    const e = err(block('{"name":"get_weather","arguments":{"days":0,"x":1}}'));
    assert.match(e, /do not match its schema/);
    assert.match(e, /must have required property 'city'/);
    assert.match(e, /arguments\.days must be >= 1/);
    assert.match(e, /unexpected property "x"/);
  });

  test('validators are compiled once per schema, not per request', () => {
    const schema = () => ({ type: 'object', properties: { q: { type: 'string' } } });
    const a = validatorFor(schema());
    const b = validatorFor(JSON.parse(JSON.stringify(schema())));
    assert.ok(a !== null && a === b, 'an equal schema from another request reuses the compiled validator');
    assert.equal(argumentProblems(schema(), { q: 1 }), 'arguments.q must be string');
    assert.equal(validatorFor({ type: 'object', properties: { a: { $ref: '#/nope' } } }), null, 'an uncompilable schema accepts any object');
  });
});
