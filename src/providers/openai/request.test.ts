import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonWithRaw } from '../../schema/raw-json.js';
import { validateChatRequest } from '../../schema/validate.js';
import type { AdapterContext } from '../types.js';
import { openai } from './index.js';

const ctx: AdapterContext = {
  provider: { name: 'p', type: 'openai', base_url: 'http://127.0.0.1:1/v1', api_key: 'sk-x', headers: {}, timeout_ms: 1000 },
  endpoint: { provider: 'p', model: 'gpt-up', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'gen-1',
};
const TOOLS = [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];

function build(body: unknown, pretty = true) {
  const { value, raw } = parseJsonWithRaw(JSON.stringify(body, null, pretty ? 2 : undefined));
  const up = openai.buildRequest(validateChatRequest(value, raw), ctx);
  return { text: up.body as string, json: JSON.parse(up.body as string) };
}

test('messages and tools forwarded unchanged keep the client text; the rest is the mapped body', () => {
  const messages = [{ role: 'system', content: 'be "brief" \\ ok' }, { role: 'user', content: 'hi ✓' }];
  const { text, json } = build({ model: 'client/model', messages, tools: TOOLS, tool_choice: 'auto', max_tokens: 9, models: ['x'], provider: { sort: 'price' } });
  assert.ok(text.includes(JSON.stringify(messages, null, 2).replace(/\n/g, '\n  ')), 'the pretty-printed messages text is spliced as sent');
  assert.deepEqual(json, { model: 'gpt-up', messages, tools: TOOLS, tool_choice: 'auto', max_completion_tokens: 9 });
});

test('messages carrying OpenRouter-only fields are rebuilt, not spliced', () => {
  const messages = [
    { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
    { role: 'assistant', content: 'ok', reasoning: 'thought', reasoning_details: [{ type: 'reasoning.text', text: 'thought' }] },
    { role: 'user', content: 'again' },
  ];
  const { text, json } = build({ model: 'm', messages });
  assert.ok(!text.includes('cache_control') && !text.includes('reasoning'), text);
  assert.deepEqual(json.messages, [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'again' }]);
});

test('tools carrying cache_control are rebuilt without it', () => {
  const tools = [{ ...TOOLS[0], cache_control: { type: 'ephemeral' } }];
  const { text, json } = build({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools }, false);
  assert.ok(!text.includes('cache_control'));
  assert.deepEqual(json.tools, TOOLS);
});

test('a request built without the body text (tests, wrappers) serializes the same value', () => {
  const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: TOOLS, temperature: 0.2 };
  const up = openai.buildRequest(validateChatRequest(JSON.parse(JSON.stringify(body))), ctx);
  assert.deepEqual(JSON.parse(up.body as string), { ...body, model: 'gpt-up' });
  assert.deepEqual(build(body).json, { ...body, model: 'gpt-up' });
});
