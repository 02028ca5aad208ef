import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { parseCohereResponse } from './response.js';

const ctx = { provider: { name: 'co' }, generationId: 'gen-abcdefghijklmnop' } as unknown as AdapterContext;

test('text, thinking + tool_plan → reasoning, tool calls, finish, usage', () => {
  const res = parseCohereResponse({
    id: 'r1',
    finish_reason: 'TOOL_CALL',
    message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'think' }, { type: 'text', text: 'ok' }], tool_plan: 'plan', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }, { type: 'function', function: { name: 'g', arguments: '' } }] },
    usage: { billed_units: { input_tokens: 1, output_tokens: 2 }, tokens: { input_tokens: 10, output_tokens: 20 }, cached_tokens: 4 },
  }, ctx);
  assert.equal(res.content, 'ok');
  assert.equal(res.reasoning, 'think\nplan');
  assert.deepEqual(res.reasoningDetails, [{ type: 'reasoning.text', text: 'think\nplan', format: 'unknown', index: 0 }]);
  assert.deepEqual(res.toolCalls, [
    { id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
    { id: 'call_efghijklmnop_1', type: 'function', function: { name: 'g', arguments: '{}' } },
  ]);
  assert.equal(res.finishReason, 'tool_calls');
  assert.equal(res.upstreamId, 'r1');
  assert.deepEqual(res.usage, { promptTokens: 10, completionTokens: 20, cachedTokens: 4 });
});

test('a body without message is a 502', () => {
  assert.throws(() => parseCohereResponse({ id: 'x' }, ctx), (e: any) => e.status === 502);
});
