import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalRequest, NormalizedToolChoice } from '../../schema/canonical.js';
import type { FunctionTool } from '../../schema/types.js';
import { planTools, toolSpec } from './tools.js';
import type { ToolEntry } from './types.js';

const names = (tools: ToolEntry[] | undefined) => (tools ?? []).map((t) => ('toolSpec' in t ? t.toolSpec.name : 'cachePoint'));

const tool = (name: string, description?: string): FunctionTool => ({ type: 'function', function: { name, description, parameters: { type: 'object', properties: { q: { type: 'string' } } } } });
const req = (toolChoice?: NormalizedToolChoice, parallelToolCalls?: boolean, tools = [tool('a', 'A'), tool('b')]) =>
  ({ tools, toolChoice, parallelToolCalls } as unknown as CanonicalRequest);

test('toolSpec: description omitted when empty, schema defaulted', () => {
  assert.deepEqual(toolSpec(tool('b', '')), { toolSpec: { name: 'b', inputSchema: { json: { type: 'object', properties: { q: { type: 'string' } } } } } });
  assert.deepEqual(toolSpec({ type: 'function', function: { name: 'z' } }).toolSpec.inputSchema.json, { type: 'object', properties: {} });
});

test('tool_choice table', () => {
  assert.deepEqual(planTools(req(), 'other', false, []).toolConfig?.toolChoice, { auto: {} });
  assert.deepEqual(planTools(req({ type: 'auto' }), 'other', false, []).toolConfig?.toolChoice, { auto: {} });
  assert.deepEqual(planTools(req({ type: 'required' }), 'other', false, []).toolConfig?.toolChoice, { any: {} });
  assert.deepEqual(planTools(req({ type: 'function', name: 'b' }), 'other', false, []).toolConfig?.toolChoice, { tool: { name: 'b' } });
  assert.deepEqual(planTools(req({ type: 'none' }), 'other', false, []), {});
  const kept = planTools(req({ type: 'none' }), 'other', false, ['a']);
  assert.deepEqual(names(kept.toolConfig?.tools), ['a', 'b']);
  assert.equal(kept.toolConfig?.toolChoice, undefined);
});

test('parallel_tool_calls:false → Anthropic-native tool_choice with disable_parallel_tool_use; other families: ignored', () => {
  const a = planTools(req({ type: 'function', name: 'a' }, false), 'anthropic', false, []);
  assert.deepEqual(a.anthropicToolChoice, { type: 'tool', name: 'a', disable_parallel_tool_use: true });
  assert.equal(a.toolConfig?.toolChoice, undefined);
  assert.deepEqual(planTools(req({ type: 'required' }, false), 'anthropic', false, []).anthropicToolChoice, { type: 'any', disable_parallel_tool_use: true });
  assert.deepEqual(planTools(req(undefined, false), 'anthropic', false, []).anthropicToolChoice, { type: 'auto', disable_parallel_tool_use: true });
  const n = planTools(req({ type: 'required' }, false), 'nova', false, []);
  assert.equal(n.anthropicToolChoice, undefined);
  assert.deepEqual(n.toolConfig?.toolChoice, { any: {} });
});

test('Claude with thinking: forced choices become auto (named: only that tool kept)', () => {
  const named = planTools(req({ type: 'function', name: 'b' }), 'anthropic', true, []);
  assert.deepEqual(named.toolConfig, { tools: [toolSpec(tool('b'))], toolChoice: { auto: {} } });
  assert.deepEqual(planTools(req({ type: 'required' }), 'anthropic', true, []).toolConfig?.toolChoice, { auto: {} });
  assert.deepEqual(planTools(req({ type: 'required' }), 'nova', true, []).toolConfig?.toolChoice, { any: {} });
});

test('no tools but tool blocks in the history: stub tools', () => {
  const p = planTools(req(undefined, undefined, []), 'other', false, ['lookup']);
  assert.deepEqual(names(p.toolConfig?.tools), ['lookup']);
  assert.deepEqual(planTools(req(undefined, undefined, []), 'other', false, []), {});
});

test('caching: a tool\'s cache_control becomes a cachePoint after it (only when the model caches)', () => {
  const cached = [tool('a'), { ...tool('b'), cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }];
  assert.deepEqual(names(planTools(req(undefined, undefined, cached), 'anthropic', false, [], true).toolConfig?.tools), ['a', 'b', 'cachePoint']);
  assert.deepEqual(planTools(req(undefined, undefined, cached), 'anthropic', false, [], true).toolConfig?.tools[2], { cachePoint: { type: 'default', ttl: '1h' } });
  assert.deepEqual(names(planTools(req(undefined, undefined, cached), 'other', false, [], false).toolConfig?.tools), ['a', 'b']);
});
