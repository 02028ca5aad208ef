import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatChunk } from '../schema/types.js';
import { accumulateToolCalls, MessageAccumulator } from './accumulate.js';

const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({
  id: 'gen-1', object: 'chat.completion.chunk', created: 1, model: 'm', provider: 'p',
  choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: null }],
});

test('interleaved parallel tool-call deltas become complete calls in index order', () => {
  const calls = accumulateToolCalls([
    chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x"' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
  ]);
  assert.deepEqual(calls, [
    { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
    { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
  ]);
});

test('the message keeps reasoning details merged by index, with the signature that arrives last', () => {
  const acc = new MessageAccumulator();
  acc.push(chunk({ role: 'assistant', reasoning: 'Let me ', reasoning_details: [{ type: 'reasoning.text', text: 'Let me ', format: 'anthropic-claude-v1', index: 0 }] }));
  acc.push(chunk({ reasoning: 'think.', reasoning_details: [{ type: 'reasoning.text', text: 'think.', index: 0 }] }));
  acc.push(chunk({ reasoning_details: [{ type: 'reasoning.text', signature: 'sig', index: 0 }] }));
  acc.push(chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: 'xyz', index: 1 }] }));
  acc.push(chunk({ content: 'Hi' }));
  acc.push(chunk({}, 'stop'));
  assert.deepEqual(acc.message, {
    role: 'assistant',
    content: 'Hi',
    reasoning: 'Let me think.',
    reasoning_details: [
      { type: 'reasoning.text', text: 'Let me think.', format: 'anthropic-claude-v1', index: 0, signature: 'sig' },
      { type: 'reasoning.encrypted', data: 'xyz', index: 1 },
    ],
  });
  assert.equal(acc.finishReason, 'stop');
});
