import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactedData, signThinking, validateAnthropicRequest } from '../../../test/fakes/anthropic.js';
import type { RecordedRequest } from '../../../test/fakes/harness.js';
import { GatewayError } from '../../schema/errors.js';
import { canon, canonFromText, ctx, searchTool, weatherTool } from './__fixtures__/context.js';
import { buildAnthropicBody, buildAnthropicRequest } from './request.js';

const body = (b: Record<string, unknown>, c = ctx()) => buildAnthropicBody(canon(b), c);

/** What the strict fake says about the request the adapter builds (undefined = accepted). */
function fakeVerdict(b: Record<string, unknown>): string | undefined {
  const up = buildAnthropicRequest(canon(b), ctx());
  const rec: RecordedRequest = { method: up.method, path: new URL(up.url).pathname, headers: up.headers, raw: Buffer.from(up.body as string), body: JSON.parse(up.body as string), receivedAt: 0 };
  const reply = validateAnthropicRequest(rec);
  return reply === undefined ? undefined : JSON.stringify((reply as { body: unknown }).body);
}

describe('HTTP request', () => {
  test('POST {base_url}/v1/messages with x-api-key and anthropic-version', () => {
    const up = buildAnthropicRequest(canon({}), ctx());
    assert.equal(up.method, 'POST');
    assert.equal(up.url, 'https://api.anthropic.com/v1/messages');
    assert.equal(up.headers['x-api-key'], 'sk-ant-test');
    assert.equal(up.headers['anthropic-version'], '2023-06-01');
    assert.equal(up.headers['content-type'], 'application/json');
    assert.equal(up.headers.authorization, undefined);
  });
  test('provider headers (anthropic-beta) and anthropic_version from config', () => {
    const c = ctx();
    c.provider.headers = { 'anthropic-beta': 'interleaved-thinking-2025-05-14' };
    c.provider.anthropic_version = '2024-01-01';
    const up = buildAnthropicRequest(canon({ stream: true }), c);
    assert.equal(up.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
    assert.equal(up.headers['anthropic-version'], '2024-01-01');
    assert.equal(JSON.parse(up.body as string).stream, true);
  });
});

describe('wire body', () => {
  test('the JSON of buildAnthropicBody, tools spliced from their cached text', () => {
    for (const b of [{}, { tools: [searchTool, weatherTool], tool_choice: 'auto', stream: true }, { tools: [weatherTool], temperature: 0.5 }]) {
      for (const make of [canon, canonFromText]) {
        for (let i = 0; i < 2; i++) assert.deepEqual(JSON.parse(buildAnthropicRequest(make(b), ctx()).body as string), buildAnthropicBody(make(b), ctx()));
      }
    }
  });
  test('buildAnthropicRequest leaves the tools on the body it built (the beta header still sees them)', () => {
    const up = buildAnthropicRequest(canonFromText({ reasoning: { effort: 'high' }, tools: [weatherTool] }), ctx());
    assert.equal(up.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
    assert.equal(JSON.parse(up.body as string).tools.length, 1);
  });
});

describe('interleaved-thinking beta', () => {
  const thinkingWithTools = { reasoning: { effort: 'high' }, tools: [weatherTool] };
  test('added when thinking meets tools, merged into a configured anthropic-beta', () => {
    assert.equal(buildAnthropicRequest(canon(thinkingWithTools), ctx()).headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
    const c = ctx();
    c.provider.headers = { 'Anthropic-Beta': 'context-1m-2025-08-07' };
    assert.equal(buildAnthropicRequest(canon(thinkingWithTools), c).headers['Anthropic-Beta'], 'context-1m-2025-08-07,interleaved-thinking-2025-05-14');
    c.provider.headers = { 'anthropic-beta': 'interleaved-thinking-2025-05-14' };
    assert.equal(buildAnthropicRequest(canon(thinkingWithTools), c).headers['anthropic-beta'], 'interleaved-thinking-2025-05-14');
  });
  test('not without thinking, without tools, or when the provider turns it off', () => {
    assert.equal(buildAnthropicRequest(canon({ tools: [weatherTool] }), ctx()).headers['anthropic-beta'], undefined);
    assert.equal(buildAnthropicRequest(canon({ reasoning: { effort: 'high' } }), ctx()).headers['anthropic-beta'], undefined);
    const c = ctx();
    c.provider.interleaved_thinking = false;
    assert.equal(buildAnthropicRequest(canon(thinkingWithTools), c).headers['anthropic-beta'], undefined);
  });
});

describe('body', () => {
  test('the upstream model, max_tokens always, nothing gateway-only', () => {
    const b = body({ provider: { order: ['x'] }, models: ['a'], usage: { include: true }, transforms: [], plugins: [], seed: 3, frequency_penalty: 1 });
    assert.deepEqual(b, { model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
  });
  test('sampling and stop → native names; user → metadata.user_id', () => {
    const b = body({ temperature: 0.3, top_p: 0.9, top_k: 40, stop: 'END', max_completion_tokens: 77, user: 'u-42' });
    assert.equal(b.temperature, 0.3);
    assert.equal(b.top_p, 0.9);
    assert.equal(b.top_k, 40);
    assert.deepEqual(b.stop_sequences, ['END']);
    assert.equal(b.max_tokens, 77);
    assert.deepEqual(b.metadata, { user_id: 'u-42' });
  });
  test('temperature is clamped to Anthropic 0..1', () => assert.equal(body({ temperature: 1.7 }).temperature, 1));
  test('whitespace-only stop sequences → 400 (Anthropic rejects them)', () => {
    assert.throws(() => body({ stop: ['\n'] }), (e: unknown) => e instanceof GatewayError && e.status === 400 && /whitespace-only stop/.test(e.message));
  });
  test('only system messages → 400', () => {
    assert.throws(() => body({ messages: [{ role: 'system', content: 'x' }] }), (e: unknown) => e instanceof GatewayError && e.status === 400);
  });
});

describe('thinking', () => {
  test('reasoning → thinking; temperature (≠1), top_k and low top_p are left out', () => {
    const b = body({ reasoning: { max_tokens: 2000 }, max_tokens: 5000, temperature: 0.2, top_k: 5, top_p: 0.5 });
    assert.deepEqual(b.thinking, { type: 'enabled', budget_tokens: 2000 });
    assert.equal(b.max_tokens, 5000);
    assert.equal(b.temperature, undefined);
    assert.equal(b.top_k, undefined);
    assert.equal(b.top_p, undefined);
    const ok = body({ reasoning: { effort: 'low' }, temperature: 1, top_p: 0.97 });
    assert.equal(ok.temperature, 1);
    assert.equal(ok.top_p, 0.97);
  });
  test('required tool_choice while thinking becomes auto', () => {
    assert.deepEqual(body({ reasoning: { effort: 'high' }, tools: [weatherTool], tool_choice: 'required' }).tool_choice, { type: 'auto' });
  });
  test('a prefill turns thinking off', () => {
    assert.equal(body({ reasoning: { effort: 'high' }, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'A:' }] }).thinking, undefined);
  });
  test('a tool loop whose signatures the client dropped runs without thinking (no provider 400)', () => {
    const b = body({
      reasoning: { effort: 'high' },
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: '3C' },
      ],
    });
    assert.equal(b.thinking, undefined);
  });
});

describe('what the adapter builds, the strict fake accepts', () => {
  const signed = (t: string, index = 0) => ({ type: 'reasoning.text', text: t, signature: signThinking(t), format: 'anthropic-claude-v1', index });
  const cases: Record<string, Record<string, unknown>> = {
    plain: {},
    'every sampling parameter': { temperature: 1.5, top_p: 0.9, top_k: 3, stop: ['END', 'STOP'], user: 'u', max_tokens: 10 },
    'system + cache_control': {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'cached', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } }] },
      ],
    },
    'tools, every tool_choice': { tools: [searchTool, weatherTool, { type: 'function', function: { name: 'now' } }], tool_choice: { type: 'function', function: { name: 'now' } }, parallel_tool_calls: false },
    'tool_choice none with history': {
      tools: [weatherTool],
      tool_choice: 'none',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '' },
      ],
    },
    'thinking tool loop with signatures': {
      reasoning: { effort: 'medium' },
      temperature: 0.5,
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: null,
          reasoning_details: [signed('need weather'), { type: 'reasoning.encrypted', data: redactedData('x'), format: 'anthropic-claude-v1', index: 1 }],
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '3C' },
      ],
    },
    'thinking, signatures dropped': {
      reasoning: { max_tokens: 3000 },
      max_tokens: 1000,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: '3C' },
      ],
    },
  };
  for (const [name, b] of Object.entries(cases)) test(name, () => assert.equal(fakeVerdict(b), undefined));
});
