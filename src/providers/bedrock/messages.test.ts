import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../schema/types.js';
import { convertMessages, reasoningBlocks } from './messages.js';

test('system/developer hoisted; same-role turns merged; tool results and following user text share a user turn', () => {
  const msgs: Message[] = [
    { role: 'system', content: 'A' },
    { role: 'developer', content: [{ type: 'text', text: 'B' }] },
    { role: 'user', content: 'q1' },
    { role: 'user', content: '   ' },
    { role: 'assistant', content: 'calling  ', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }, { id: 't2', type: 'function', function: { name: 'g', arguments: '' } }] },
    { role: 'tool', tool_call_id: 't1', content: 'r1' },
    { role: 'tool', tool_call_id: 't2', content: '' },
    { role: 'user', content: 'next' },
  ];
  const out = convertMessages(msgs);
  assert.deepEqual(out.system, [{ text: 'A' }, { text: 'B' }]);
  assert.deepEqual(out.historyToolNames, ['f', 'g']);
  assert.deepEqual(out.messages, [
    { role: 'user', content: [{ text: 'q1' }] },
    { role: 'assistant', content: [{ text: 'calling' }, { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }, { toolUse: { toolUseId: 't2', name: 'g', input: {} } }] },
    { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'r1' }] } }, { toolResult: { toolUseId: 't2', content: [{ json: {} }] } }, { text: 'next' }] },
  ]);
});

test('inline images and documents; remote image URLs are a 400 naming the part', () => {
  const out = convertMessages([{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }, { type: 'file', file: { filename: 'report_2024.pdf', file_data: 'data:application/pdf;base64,JVBE' } }] }]);
  assert.deepEqual(out.messages[0]!.content, [
    { text: 'see' },
    { image: { format: 'png', source: { bytes: 'AAAA' } } },
    { document: { format: 'pdf', name: 'report 2024', source: { bytes: 'JVBE' } } },
  ]);
  assert.throws(() => convertMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }]), /messages\[0\]\.content\[0\]\.image_url\.url: Bedrock takes only inline images/);
});

test('malformed tool-call arguments in history are a 400 naming the call', () => {
  assert.throws(
    () => convertMessages([{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c9', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }]),
    /messages\[1\]\.tool_calls\[0\]\.function\.arguments \(tool call "c9"\): arguments must be a JSON object/,
  );
});

test('reasoning_details go back before text and tool use; foreign formats and unsigned text are dropped', () => {
  const blocks = reasoningBlocks([
    { type: 'reasoning.text', text: 'Let me ', format: 'anthropic-claude-v1', index: 0 },
    { type: 'reasoning.text', text: 'think', signature: 'SIG', format: 'anthropic-claude-v1', index: 0 },
    { type: 'reasoning.text', text: 'unsigned', index: 1 },
    { type: 'reasoning.text', text: 'gemini', signature: 'x', format: 'google-gemini-v1', index: 2 },
    { type: 'reasoning.encrypted', data: 'REDACTED', format: 'anthropic-claude-v1', index: 3 },
  ]);
  assert.deepEqual(blocks, [{ reasoningText: { text: 'Let me think', signature: 'SIG' } }, { redactedContent: 'REDACTED' }]);
  const out = convertMessages([
    { role: 'user', content: 'q' },
    { role: 'assistant', content: 'a', reasoning_details: [{ type: 'reasoning.text', text: 't', signature: 's', index: 0 }] },
  ]);
  assert.deepEqual(out.messages[1]!.content, [{ reasoningContent: { reasoningText: { text: 't', signature: 's' } } }, { text: 'a' }]);
});

test('caching: cache_control on parts, system parts, assistant and tool messages → cachePoint blocks after them', () => {
  const msgs: Message[] = [
    { role: 'system', content: [{ type: 'text', text: 'long rules', cache_control: { type: 'ephemeral' } }] },
    { role: 'user', content: [{ type: 'text', text: 'doc', cache_control: { type: 'ephemeral', ttl: '1h' } }, { type: 'text', text: 'q' }] },
    { role: 'assistant', content: 'a', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }], cache_control: { type: 'ephemeral' } },
    { role: 'tool', tool_call_id: 't', content: 'r', cache_control: { type: 'ephemeral' } },
  ];
  const out = convertMessages(msgs, true);
  assert.deepEqual(out.system, [{ text: 'long rules' }, { cachePoint: { type: 'default' } }]);
  assert.deepEqual(out.messages[0]!.content, [{ text: 'doc' }, { cachePoint: { type: 'default', ttl: '1h' } }, { text: 'q' }]);
  assert.deepEqual(out.messages[1]!.content.at(-1), { cachePoint: { type: 'default' } });
  assert.deepEqual(out.messages[2]!.content, [{ toolResult: { toolUseId: 't', content: [{ text: 'r' }] } }, { cachePoint: { type: 'default' } }]);
  const plain = convertMessages(msgs, false);
  assert.equal(JSON.stringify(plain).includes('cachePoint'), false);
});
