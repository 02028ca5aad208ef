import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canon, canonFromText, searchTool, weatherTool } from './__fixtures__/context.js';
import { mapTool, mapTools, toolsJson } from './tools.js';

const tools = [searchTool, weatherTool];

describe('tools → Anthropic', () => {
  test('name, description, input_schema (the same schema object, not a copy)', () => {
    const t = mapTool(searchTool);
    assert.deepEqual(t, { name: 'search_gutenberg_books', description: searchTool.function.description, input_schema: searchTool.function.parameters });
    assert.equal(t.input_schema, searchTool.function.parameters);
  });
  test('no parameters → an empty object schema; a schema without type gets type object', () => {
    assert.deepEqual(mapTool({ type: 'function', function: { name: 'now' } }).input_schema, { type: 'object', properties: {} });
    assert.deepEqual(mapTool({ type: 'function', function: { name: 'f', parameters: { properties: { a: { type: 'string' } } } } }).input_schema, {
      properties: { a: { type: 'string' } },
      type: 'object',
    });
  });
  test('cache_control on a tool passes through', () => {
    assert.deepEqual(mapTool({ ...weatherTool, cache_control: { type: 'ephemeral' } }).cache_control, { type: 'ephemeral' });
  });
  test('no tools → nothing', () => assert.deepEqual(mapTools(canon({}), false), {}));
});

describe('tool_choice → Anthropic', () => {
  const cases: [unknown, boolean | undefined, unknown][] = [
    [undefined, undefined, undefined],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['none', undefined, { type: 'none' }],
    ['none', false, { type: 'none' }],
    ['auto', undefined, { type: 'auto' }],
    ['auto', false, { type: 'auto', disable_parallel_tool_use: true }],
    ['required', undefined, { type: 'any' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [{ type: 'function', function: { name: 'get_weather' } }, undefined, { type: 'tool', name: 'get_weather' }],
    [{ type: 'function', function: { name: 'get_weather' } }, false, { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }],
    ['auto', true, { type: 'auto' }],
  ];
  for (const [choice, parallel, want] of cases) {
    test(`${JSON.stringify(choice)} parallel=${parallel}`, () => {
      const out = mapTools(canon({ tools, tool_choice: choice, parallel_tool_calls: parallel }), false);
      assert.deepEqual(out.tool_choice, want);
      assert.equal(out.tools?.length, 2, 'tools are kept, also for none');
    });
  }
  test('while thinking, forced choices become auto (a named tool narrows the tools to it)', () => {
    const req = canon({ tools, tool_choice: 'required', parallel_tool_calls: false });
    assert.deepEqual(mapTools(req, true).tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    const named = mapTools(canon({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }), true);
    assert.deepEqual(named.tool_choice, { type: 'auto' });
    assert.deepEqual(named.tools?.map((t) => t.name), ['get_weather']);
    assert.deepEqual(mapTools(canon({ tools, tool_choice: 'none' }), true).tool_choice, { type: 'none' });
  });
});

describe('tools JSON (cached by the tools text)', () => {
  const json = (req: ReturnType<typeof canon>, thinking = false) => toolsJson(req, mapTools(req, thinking).tools!);
  test('the same JSON as JSON.stringify of the mapped tools, with and without the request text, cached or not', () => {
    const want = JSON.stringify([searchTool, weatherTool].map(mapTool));
    assert.equal(json(canon({ tools })), want, 'no request text: a plain stringify');
    const fromText = canonFromText({ tools });
    assert.ok(fromText.raw?.of(fromText.tools) !== undefined, 'the fixture notes the tools text');
    assert.equal(json(fromText), want, 'first: a miss');
    assert.equal(json(canonFromText({ tools })), want, 'then: a hit');
  });
  test('another tools text is another entry (one changed description)', () => {
    const changed = [searchTool, { ...weatherTool, function: { ...weatherTool.function, description: 'Weather now' } }];
    json(canonFromText({ tools }));
    assert.equal(json(canonFromText({ tools: changed })), JSON.stringify(changed.map(mapTool)));
    assert.equal(json(canonFromText({ tools })), JSON.stringify(tools.map(mapTool)));
  });
  test('a list narrowed for thinking (forced tool) never comes from the whole list entry', () => {
    json(canonFromText({ tools }));
    const named = canonFromText({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    assert.deepEqual(JSON.parse(json(named, true)).map((t: { name: string }) => t.name), ['get_weather']);
  });
  test('tools the router or a wrapper replaced (no text of their own) are stringified', () => {
    const req = canonFromText({ tools });
    const replaced = { ...req, tools: [weatherTool] };
    assert.deepEqual(JSON.parse(toolsJson(replaced, mapTools(replaced, false).tools!)), [mapTool(weatherTool)]);
  });
});
