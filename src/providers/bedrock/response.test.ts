import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { parseBedrockResponse } from './response.js';

const ctx = { provider: { name: 'aws' }, generationId: 'gen-1' } as unknown as AdapterContext;

test('text, reasoning with signature, redacted reasoning and tool use → canonical', () => {
  const res = parseBedrockResponse({
    output: { message: { role: 'assistant', content: [
      { reasoningContent: { reasoningText: { text: 'thinking…', signature: 'SIG' } } },
      { reasoningContent: { redactedContent: 'ENC' } },
      { text: 'Let me look.' },
      { toolUse: { toolUseId: 'tooluse_1', name: 'f', input: { q: 'x' } } },
      { toolUse: { toolUseId: 'tooluse_2', name: 'g', input: {} } },
    ] } },
    stopReason: 'tool_use',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 100 },
  }, ctx);
  assert.equal(res.content, 'Let me look.');
  assert.equal(res.reasoning, 'thinking…');
  assert.deepEqual(res.reasoningDetails, [
    { type: 'reasoning.text', text: 'thinking…', signature: 'SIG', format: 'anthropic-claude-v1', index: 0 },
    { type: 'reasoning.encrypted', data: 'ENC', format: 'anthropic-claude-v1', index: 1 },
  ]);
  assert.deepEqual(res.toolCalls, [
    { id: 'tooluse_1', type: 'function', function: { name: 'f', arguments: '{"q":"x"}' } },
    { id: 'tooluse_2', type: 'function', function: { name: 'g', arguments: '{}' } },
  ]);
  assert.equal(res.finishReason, 'tool_calls');
  assert.equal(res.nativeFinishReason, 'tool_use');
  assert.deepEqual(res.usage, { promptTokens: 110, completionTokens: 5, cachedTokens: 100 });
});

test('tool use only: content null; a body without output is a 502', () => {
  const res = parseBedrockResponse({ output: { message: { content: [{ toolUse: { toolUseId: 't', name: 'f', input: { a: 1 } } }] } }, stopReason: 'tool_use' }, ctx);
  assert.equal(res.content, null);
  assert.throws(() => parseBedrockResponse({ Output: {} }, ctx), (e: any) => e.status === 502 && /no output\.message\.content/.test(e.message));
});
