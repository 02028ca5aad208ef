/**
 * Every validation case of the core issue: a 400 in OpenRouter's error shape naming the offending
 * path, and nothing reaching the upstream. Plus 413 for an oversized body.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeServer } from '../fakes/harness.js';
import { startFakeOpenAI } from '../fakes/openai.js';
import { searchGutenbergTool } from '../fixtures/books.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';

let fake: FakeServer;
let gw: TestGateway;

before(async () => {
  fake = await startFakeOpenAI();
  gw = await startGateway(openaiConfig(fake.url, { server: { body_limit: 64 * 1024 } }), {});
});
after(async () => {
  await gw.close();
  await fake.stop();
});

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const tool = searchGutenbergTool;
const user = { role: 'user', content: 'hi' };
const call = { id: 'call_1', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{}' } };
const base = { model: 'openai/gpt-4o-mini', messages: [user] };

const cases: [string, unknown, RegExp][] = [
  ['malformed JSON', '{"model": "openai/gpt-4o-mini", "messages": [', /not valid JSON/],
  ['body not an object', '[1,2]', /must be a JSON object/],
  ['missing model', { messages: [user] }, /^model: required/],
  ['missing messages', { model: 'openai/gpt-4o-mini' }, /^messages: required/],
  ['empty messages', { ...base, messages: [] }, /^messages: required, a non-empty list/],
  ['unknown role', { ...base, messages: [{ role: 'wizard', content: 'x' }] }, /^messages\[0\]\.role: must be one of/],
  ['tool not an object', { ...base, tools: ['search'] }, /^tools\[0\]: must be an object/],
  ['tool type not function', { ...base, tools: [{ type: 'retrieval', function: tool.function }] }, /^tools\[0\]\.type: must be "function"/],
  ['tool without function', { ...base, tools: [{ type: 'function' }] }, /^tools\[0\]\.function: must be an object/],
  ['tool name with spaces', { ...base, tools: [{ type: 'function', function: { name: 'search books' } }] }, /^tools\[0\]\.function\.name: must match/],
  ['tool name too long', { ...base, tools: [{ type: 'function', function: { name: 'x'.repeat(65) } }] }, /^tools\[0\]\.function\.name: must match/],
  ['duplicate tool names', { ...base, tools: [tool, tool] }, /^tools\[1\]\.function\.name: duplicate tool name "search_gutenberg_books"/],
  [
    'parameters not a valid JSON Schema',
    { ...base, tools: [tool, { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'strang' } } } } }] },
    /^tools\[1\]\.function\.parameters: must be a JSON Schema object: /,
  ],
  ['parameters not an object', { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: 'object' } }] }, /^tools\[0\]\.function\.parameters: must be a JSON Schema object/],
  ['parameters top-level type array', { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'array' } } }] }, /^tools\[0\]\.function\.parameters: top-level type must be "object"/],
  ['tool_choice names an unknown function', { ...base, tools: [tool], tool_choice: { type: 'function', function: { name: 'nope' } } }, /^tool_choice\.function\.name: "nope" is not one of the tools/],
  ['tool_choice bad value', { ...base, tools: [tool], tool_choice: 'always' }, /^tool_choice: must be "none", "auto", "required"/],
  [
    'tool result without a matching call',
    { ...base, tools: [tool], messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_9', content: '[]' }] },
    /^messages\[2\]\.tool_call_id: "call_9" matches no tool call/,
  ],
  [
    'history with tool calls but no tools',
    { ...base, messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_1', content: '[]' }] },
    /^messages\[1\]\.tool_calls: the conversation has tool calls but the request has no tools/,
  ],
  ['tool message with no tools at all', { ...base, messages: [user, { role: 'tool', tool_call_id: 'x', content: '[]' }] }, /^messages\[1\]: tool results need the tools/],
  ['stream not boolean', { ...base, stream: 'yes' }, /^stream: must be a boolean/],
  ['temperature not a number', { ...base, temperature: 'hot' }, /^temperature: must be a number/],
  ['reasoning effort unknown', { ...base, reasoning: { effort: 'extreme' } }, /^reasoning\.effort: must be one of/],
  ['reasoning_effort conflicts', { ...base, reasoning: { effort: 'low' }, reasoning_effort: 'high' }, /^reasoning_effort: "high" conflicts/],
  ['content part unknown type', { ...base, messages: [{ role: 'user', content: [{ type: 'hologram' }] }] }, /^messages\[0\]\.content\[0\]\.type: must be one of/],
];

describe('request validation → 400 naming the path, nothing sent upstream', () => {
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const before = fake.requests.length;
      const { status, json } = await post(body);
      assert.equal(status, 400, JSON.stringify(json));
      assert.equal(json.error.code, 400);
      assert.match(json.error.message, message);
      assert.equal(fake.requests.length, before, 'must not reach the upstream');
    });
  }

  test('body over the limit → 413', async () => {
    const big = { ...base, messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] };
    const { status, json } = await post(big);
    assert.equal(status, 413);
    assert.equal(json.error.code, 413);
    assert.match(json.error.message, /limit/);
  });

  test('unknown top-level fields are tolerated and not forwarded', async () => {
    fake.enqueue({ kind: 'json', body: { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } });
    const { status } = await post({ ...base, some_future_field: { a: 1 }, transforms: ['middle-out'], provider: { sort: 'price' }, usage: { include: true } });
    assert.equal(status, 200);
    const sent = fake.last!.body;
    assert.equal('some_future_field' in sent, false);
    assert.equal('transforms' in sent, false);
    assert.equal('provider' in sent, false);
  });
});
