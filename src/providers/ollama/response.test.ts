import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOllamaError } from './errors.js';
import { parseOllamaResponse } from './response.js';
import { ctx } from './test-context.js';

const done = { model: 'qwen3:8b', created_at: 't', done: true, done_reason: 'stop', prompt_eval_count: 30, eval_count: 8 };

describe('ollama response', () => {
  test('tool calls: arguments objects stringified, ids synthesized, distinct and stable, finish tool_calls', () => {
    const r = parseOllamaResponse({ ...done, message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'a', arguments: { x: 1 } } }, { function: { name: 'b', arguments: {} } }] } }, ctx);
    assert.deepEqual(r.toolCalls, [
      { id: 'call_efghijklmnop_0', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
      { id: 'call_efghijklmnop_1', type: 'function', function: { name: 'b', arguments: '{}' } },
    ]);
    assert.equal(r.finishReason, 'tool_calls');
    assert.equal(r.nativeFinishReason, 'stop');
    assert.equal(r.content, null);
    assert.deepEqual(r.usage, { promptTokens: 30, completionTokens: 8 });
    assert.deepEqual(parseOllamaResponse({ ...done, message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'a', arguments: { x: 1 } } }] } }, ctx).toolCalls[0]!.id, r.toolCalls[0]!.id);
  });

  test('an id Ollama does send is kept', () => {
    const r = parseOllamaResponse({ ...done, message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_up', function: { name: 'a', arguments: {} } }] } }, ctx);
    assert.equal(r.toolCalls[0]!.id, 'call_up');
  });

  test('thinking → reasoning and a reasoning.text detail; length → length', () => {
    const r = parseOllamaResponse({ ...done, done_reason: 'length', message: { role: 'assistant', content: 'Hi', thinking: 'hmm' } }, ctx);
    assert.equal(r.content, 'Hi');
    assert.equal(r.reasoning, 'hmm');
    assert.deepEqual(r.reasoningDetails, [{ type: 'reasoning.text', text: 'hmm', format: 'unknown', index: 0 }]);
    assert.equal(r.finishReason, 'length');
  });

  test('errors: {error:"string"} with the status kept for request errors', () => {
    const e = parseOllamaError(404, {}, '{"error":"model \\"nope\\" not found, try pulling it first"}', ctx);
    assert.equal(e.status, 404);
    assert.equal(e.message, '[ollama] model "nope" not found, try pulling it first');
    assert.equal(e.metadata?.provider_name, 'ollama');
    assert.equal(parseOllamaError(500, {}, '', ctx).status, 502);
    assert.throws(() => parseOllamaResponse({ error: 'boom' }, ctx), (x: any) => x.status === 502 && /boom/.test(x.message));
  });
});
