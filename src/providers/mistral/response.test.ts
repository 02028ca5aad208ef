import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterContext } from '../types.js';
import { mistralIdFor } from '../shared/mistral-ids.js';
import { parseMistralResponse } from './response.js';

const ctx = () => ({ provider: { name: 'mistral' }, generationId: 'gen-abcdefghijkl' }) as unknown as AdapterContext;

test('thinking chunks → reasoning with signature; object arguments stringified; model_length → length', () => {
  const res = parseMistralResponse({
    id: 'c1',
    choices: [{ index: 0, finish_reason: 'model_length', message: { role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }], signature: 'SIG' }, { type: 'text', text: 'ok' }], tool_calls: [{ id: 'Abcdefgh1', function: { name: 'f', arguments: { a: 1 } } }] } }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  }, ctx());
  assert.equal(res.content, 'ok');
  assert.equal(res.reasoning, 'hmm');
  assert.deepEqual(res.reasoningDetails, [{ type: 'reasoning.text', text: 'hmm', format: 'unknown', index: 0, signature: 'SIG' }]);
  assert.deepEqual(res.toolCalls, [{ id: 'Abcdefgh1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]);
  assert.equal(res.finishReason, 'length');
  assert.deepEqual(res.usage, { promptTokens: 3, completionTokens: 4 });
});

test('a rewritten id coming back is restored', () => {
  const c = ctx();
  const mapped = mistralIdFor('call_orig');
  (c as { request?: unknown }).request = { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'call_orig', type: 'function', function: { name: 'f', arguments: '{}' } }] }] };
  const res = parseMistralResponse({ choices: [{ finish_reason: 'tool_calls', message: { content: '', tool_calls: [{ id: mapped, function: { name: 'f', arguments: '{}' } }] } }] }, c);
  assert.equal(res.toolCalls[0]!.id, 'call_orig');
});
