import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertMessages } from './messages.js';
import { mistralIdFor } from '../shared/mistral-ids.js';

test('roles, parts, tool names and rewritten ids', () => {
  const { messages, ids } = convertMessages([
    { role: 'developer', content: [{ type: 'text', text: 'rules' }] },
    { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
    { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'ok' }] },
  ]);
  const id = mistralIdFor('call_1');
  assert.deepEqual(messages, [
    { role: 'system', content: 'rules' },
    { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
    { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: id, content: 'ok', name: 'f' },
  ]);
  assert.equal(ids.inbound(id), 'call_1');
});

test('reasoning_details (no format or unknown) replayed as a thinking chunk before the text; foreign formats dropped', () => {
  const { messages } = convertMessages([
    { role: 'user', content: 'q' },
    { role: 'assistant', content: 'a', reasoning_details: [{ type: 'reasoning.text', text: 'hm', signature: 'S', format: 'unknown', index: 0 }, { type: 'reasoning.text', text: 'x', format: 'anthropic-claude-v1', signature: 'y' }] },
    { role: 'user', content: 'q2' },
  ]);
  assert.deepEqual(messages[1]!.content, [{ type: 'thinking', thinking: [{ type: 'text', text: 'hm' }], signature: 'S' }, { type: 'text', text: 'a' }]);
});

test('unsupported parts are a 400 naming them', () => {
  assert.throws(() => convertMessages([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }]), /messages\[0\]\.content\[0\]\.type: "input_audio" is not supported by Mistral/);
});

test('a final assistant message is sent as a prefix (prefill)', () => {
  const { messages } = convertMessages([{ role: 'user', content: 'Write JSON' }, { role: 'assistant', content: '{"a":' }]);
  assert.deepEqual(messages[1], { role: 'assistant', content: '{"a":', prefix: true });
  assert.equal(convertMessages([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'b' }]).messages[1]!.prefix, undefined);
});
