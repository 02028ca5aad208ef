import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import type { FunctionTool } from '../../schema/types.js';
import { buildTools } from './tools.js';

const tool = (name: string, parameters?: Record<string, unknown>, description?: string): FunctionTool => ({
  type: 'function',
  function: { name, ...(description ? { description } : {}), ...(parameters ? { parameters } : {}) },
});
const search = tool('search', { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false }, 'Search');

describe('buildTools', () => {
  test('no tools → nothing', () => assert.deepEqual(buildTools(undefined, undefined), {}));
  test('one tools entry holding every declaration; schemas translated', () => {
    const out = buildTools([search, tool('now')], undefined);
    assert.deepEqual(out, {
      tools: [{ functionDeclarations: [
        { name: 'search', description: 'Search', parameters: { type: 'OBJECT', properties: { q: { type: 'STRING' } }, required: ['q'] } },
        { name: 'now' },
      ] }],
    });
  });
  test('a tool with an empty object schema gets no parameters', () =>
    assert.deepEqual(buildTools([tool('now', { type: 'object', properties: {} })], undefined).tools![0]!.functionDeclarations[0], { name: 'now' }));
  const modes: [Parameters<typeof buildTools>[1], unknown][] = [
    [{ type: 'none' }, { mode: 'NONE' }],
    [{ type: 'auto' }, { mode: 'AUTO' }],
    [{ type: 'required' }, { mode: 'ANY' }],
    [{ type: 'function', name: 'search' }, { mode: 'ANY', allowedFunctionNames: ['search'] }],
  ];
  for (const [choice, cfg] of modes) {
    test(`tool_choice ${JSON.stringify(choice)} → ${JSON.stringify(cfg)}`, () => {
      const out = buildTools([search], choice);
      assert.deepEqual(out.toolConfig, { functionCallingConfig: cfg });
      assert.equal(out.tools![0]!.functionDeclarations.length, 1, 'declarations are kept, even for NONE');
    });
  }
  test('untranslatable schema → 400 naming the tool, the keyword and the place', () => {
    assert.throws(() => buildTools([search, tool('bad', { type: 'object', properties: { x: { not: { type: 'null' } } } })], undefined), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.status, 400);
      assert.match(e.message, /^tools\[1\]\.function\.parameters: Gemini cannot express "not" \(at properties\.x\.not\)/);
      assert.deepEqual(e.metadata, { keyword: 'not', at: 'properties.x.not' });
      return true;
    });
  });
  test('a name Gemini rejects → 400', () =>
    assert.throws(() => buildTools([tool('9lives')], undefined), /tools\[0\]\.function\.name: Gemini function names must start with a letter/));
});
