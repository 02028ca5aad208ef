import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateAnthropicRequest } from '../../../test/fakes/anthropic.js';
import type { RecordedRequest } from '../../../test/fakes/harness.js';
import { canon, canonFromText, ctx, searchTool, weatherTool } from './__fixtures__/context.js';
import { buildAnthropicBody, buildAnthropicRequest } from './request.js';

const call = (id: string, args: string | null) => ({ id, type: 'function', function: { name: 'get_weather', arguments: args } });

/** Conversations that exercise every kind of client text the wire body splices in, and its neighbours. */
const CASES: Record<string, Record<string, unknown>> = {
  'system + user strings (the bench shape)': { messages: [{ role: 'system', content: 'Be brief. "Quoted", back\\slash\n✓' }, { role: 'user', content: 'Hi 😀' }], tools: [searchTool] },
  'several system and developer messages, joined': {
    messages: [{ role: 'system', content: 'One.' }, { role: 'developer', content: 'Two "2".' }, { role: 'system', content: '   ' }, { role: 'user', content: 'q' }],
  },
  'a system message with parts, next to a string one': {
    messages: [{ role: 'system', content: 'One.' }, { role: 'system', content: [{ type: 'text', text: 'Two.' }] }, { role: 'user', content: 'q' }],
  },
  'cached system blocks': {
    messages: [{ role: 'system', content: 'Plain.' }, { role: 'system', content: [{ type: 'text', text: 'Cached.', cache_control: { type: 'ephemeral' } }] }, { role: 'user', content: 'q' }],
  },
  'a tool loop: text + calls with every arguments form, string and part results, a user turn after': {
    tools: [weatherTool],
    messages: [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Checking "both".',
        tool_calls: [call('c1', ' \n{"city": "Oslo", "n": 12345678901234567890}\t'), call('c2', '"{\\"city\\":\\"Rome\\"}"'), call('c3', ''), call('c4', '  '), call('c5', 'null')],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp":"3C","note":"caf\\u00e9"}' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'part result' }] },
      { role: 'tool', tool_call_id: 'c3', content: '' },
      { role: 'tool', tool_call_id: 'c4', content: 'four', cache_control: { type: 'ephemeral' } },
      { role: 'tool', tool_call_id: 'c5', content: 'five' },
      { role: 'user', content: 'And tomorrow?' },
    ],
  },
  'user parts, consecutive users merged, message-level cache_control': {
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: '' }] },
      { role: 'user', content: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { role: 'assistant', content: 'c' },
      { role: 'user', content: '' },
      { role: 'user', content: 'd' },
    ],
  },
  'a prefill with trailing whitespace (trimmed: not the client text)': { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'The answer is:  \n' }] },
  'thinking with a signed tool turn': { reasoning: { effort: 'low' }, max_tokens: 3000, tools: [weatherTool], messages: [{ role: 'user', content: 'q' }] },
  'stream, sampling, stop, user': { stream: true, temperature: 0.5, top_p: 0.9, stop: ['END'], user: 'u1', messages: [{ role: 'user', content: 'q' }] },
};

/** The wire body as the strict fake reads it. */
function verdict(up: ReturnType<typeof buildAnthropicRequest>): unknown {
  const rec: RecordedRequest = { method: up.method, path: new URL(up.url).pathname, headers: up.headers, raw: Buffer.from(up.body as string), body: JSON.parse(up.body as string), receivedAt: 0 };
  return validateAnthropicRequest(rec);
}

describe('wire body: the client texts spliced in', () => {
  for (const [name, b] of Object.entries(CASES)) {
    test(`${name}: the same JSON value as the body built without the request text, and the fake accepts it`, () => {
      const want = buildAnthropicBody(canon(b), ctx());
      for (let i = 0; i < 2; i++) {
        const req = canonFromText(b);
        const up = buildAnthropicRequest(req, ctx());
        assert.deepEqual(JSON.parse(up.body as string), want);
        assert.equal(verdict(up), undefined);
        assert.deepEqual(buildAnthropicBody(req, ctx()), want, 'the body object is left as it was built');
      }
    });
  }
  test('the client\'s own text is what goes out (escapes as written, big numbers as written)', () => {
    const body = buildAnthropicRequest(canonFromText(CASES['a tool loop: text + calls with every arguments form, string and part results, a user turn after']!), ctx()).body as string;
    assert.ok(body.includes('"note\\":\\"caf\\\\u00e9\\"'), 'the tool result as the client escaped it');
    assert.ok(body.includes('"input":{"city": "Oslo", "n": 12345678901234567890}'), 'the arguments text, trimmed, as the input');
    assert.ok(body.includes('"input":{"city":"Rome"}'), 'double-encoded arguments: the parsed object');
  });
  test('a request whose messages were replaced (no text of their own) is stringified as before', () => {
    const req = canonFromText({ messages: [{ role: 'user', content: 'original' }] });
    const replaced = { ...req, messages: [{ role: 'user' as const, content: 'replaced' }] };
    assert.deepEqual(JSON.parse(buildAnthropicRequest(replaced, ctx()).body as string).messages, [{ role: 'user', content: [{ type: 'text', text: 'replaced' }] }]);
  });
});
