import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertMessages, toolResultDocuments } from './messages.js';

test('tool results as documents', () => {
  assert.deepEqual(toolResultDocuments('{"a":1}'), [{ type: 'document', document: { data: { a: 1 } } }]);
  assert.deepEqual(toolResultDocuments('[{"a":1},{"b":2}]'), [{ type: 'document', document: { data: { a: 1 } } }, { type: 'document', document: { data: { b: 2 } } }]);
  assert.deepEqual(toolResultDocuments('[1,2]'), [{ type: 'document', document: { data: { text: '[1,2]' } } }]);
  assert.deepEqual(toolResultDocuments('[]'), [{ type: 'document', document: { data: { text: '[]' } } }]);
  assert.deepEqual(toolResultDocuments('plain'), [{ type: 'document', document: { data: { text: 'plain' } } }]);
});

test('roles; assistant content, tool_plan from reasoning_details (only with tool calls); empty arguments → {}', () => {
  const out = convertMessages([
    { role: 'developer', content: 'sys' },
    { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
    { role: 'assistant', content: 'plan', reasoning_details: [{ type: 'reasoning.text', text: 'step 1', format: 'unknown', index: 0 }], tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '' } }] },
    { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
    { role: 'assistant', content: 'done', reasoning: 'not a tool turn' },
  ]);
  assert.deepEqual(out, [
    { role: 'system', content: 'sys' },
    { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
    { role: 'assistant', content: 'plan', tool_plan: 'step 1', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: [{ type: 'document', document: { data: { ok: true } } }] },
    { role: 'assistant', content: 'done' },
  ]);
});

test('foreign reasoning formats are not used as tool_plan; unsupported parts are a 400', () => {
  const out = convertMessages([{ role: 'assistant', content: null, reasoning_details: [{ type: 'reasoning.text', text: 'sig', signature: 's', format: 'anthropic-claude-v1' }], tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }]);
  assert.equal(out[0]!.tool_plan, undefined);
  assert.throws(() => convertMessages([{ role: 'user', content: [{ type: 'file', file: { file_data: 'x' } }] }]), /messages\[0\]\.content\[0\]\.type: "file" is not supported by Cohere/);
});

test('an assistant turn with neither content nor tool calls is left out (Cohere refuses it)', () => {
  assert.deepEqual(convertMessages([{ role: 'user', content: 'a' }, { role: 'assistant', content: '' }, { role: 'user', content: 'b' }]).map((m) => m.role), ['user', 'user']);
});
