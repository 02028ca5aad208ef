import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../../config/load.js';
import { validateChatRequest } from '../../schema/validate.js';
import type { AdapterContext, ProviderAdapter } from '../types.js';
import { presets } from './hosts.js';

const get = (type: string) => presets.find((p) => p.type === type) as ProviderAdapter;
const ctx = (type: string, endpoint: Record<string, unknown> = {}) =>
  ({ provider: { name: type, type, base_url: 'http://h/v1', headers: {}, timeout_ms: 1, api_key: 'k' }, endpoint: { provider: type, model: 'm', pricing: { prompt: '0', completion: '0' }, supported_parameters: [], ...endpoint }, generationId: 'gen-1-abcdefghijklmnop' }) as AdapterContext;
const build = (type: string, b: Record<string, unknown>, endpoint?: Record<string, unknown>) => {
  const req = validateChatRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }], ...b });
  const up = get(type).buildRequest(req, ctx(type, endpoint));
  return { up, body: JSON.parse(up.body as string), req };
};

const TOOL = { type: 'function', function: { name: 'f', parameters: { type: 'object' } } };
const HISTORY = [
  { role: 'user', content: 'q' },
  { role: 'assistant', content: null, reasoning: 'I should call f.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
  { role: 'tool', tool_call_id: 'c1', content: 'r' },
];

describe('presets', () => {
  test('each preset is a config type with its default base URL and parameters', () => {
    const expected: Record<string, string> = {
      groq: 'https://api.groq.com/openai/v1', together: 'https://api.together.xyz/v1', fireworks: 'https://api.fireworks.ai/inference/v1',
      deepseek: 'https://api.deepseek.com', xai: 'https://api.x.ai/v1', openrouter: 'https://openrouter.ai/api/v1',
      vllm: 'http://127.0.0.1:8000/v1', llamacpp: 'http://127.0.0.1:8080/v1',
    };
    const providers = Object.fromEntries(Object.keys(expected).map((t) => [t, { type: t }]));
    const models = Object.keys(expected).map((t) => ({ id: `m/${t}`, endpoints: [{ provider: t, model: 'x' }] }));
    const { config } = parseConfig({ providers, models }, 'test', {});
    for (const [t, url] of Object.entries(expected)) {
      assert.equal(config.providers.get(t)!.base_url, url, t);
      const params = config.models.find((m) => m.id === `m/${t}`)!.endpoints[0]!.supported_parameters;
      assert.ok(params.includes('tools') && params.includes('tool_choice'), `${t} supports tools`);
    }
    assert.equal(get('groq').supportedParameters.includes('logprobs'), false, 'Groq rejects logprobs');
  });

  test('URL and auth: {base_url}/chat/completions with Bearer', () => {
    const { up } = build('groq', {});
    assert.equal(up.url, 'http://h/v1/chat/completions');
    assert.equal(up.headers.authorization, 'Bearer k');
  });

  test('token limit spelling: max_tokens for the legacy hosts, max_completion_tokens for Groq and xAI', () => {
    for (const t of ['together', 'fireworks', 'deepseek', 'openrouter', 'vllm', 'llamacpp']) assert.equal(build(t, { max_tokens: 50 }).body.max_tokens, 50, t);
    for (const t of ['groq', 'xai']) assert.equal(build(t, { max_tokens: 50 }).body.max_completion_tokens, 50, t);
  });

  test('reasoning effort vocabularies: clamp to low|medium|high; xAI low|high', () => {
    assert.equal(build('groq', { reasoning: { effort: 'xhigh' } }).body.reasoning_effort, 'high');
    assert.equal(build('together', { reasoning_effort: 'minimal' }).body.reasoning_effort, 'low');
    assert.equal(build('xai', { reasoning: { effort: 'medium' } }).body.reasoning_effort, 'low');
    assert.equal(build('xai', { reasoning: { effort: 'none' } }).body.reasoning_effort, undefined);
  });

  test('DeepSeek: thinking switch instead of reasoning_effort; history reasoning → reasoning_content; the request is not mutated', () => {
    const { body, req } = build('deepseek', { tools: [TOOL], messages: HISTORY, reasoning: { effort: 'high' } });
    assert.deepEqual(body.thinking, { type: 'enabled' });
    assert.equal(body.reasoning_effort, undefined);
    assert.equal(body.messages[1].reasoning_content, 'I should call f.');
    assert.equal('reasoning' in body.messages[1], false);
    assert.equal((req.messages[1] as any).reasoning_content, undefined);
    assert.deepEqual(build('deepseek', { reasoning: { effort: 'none' } }).body.thinking, { type: 'disabled' });
    assert.equal(build('deepseek', {}).body.thinking, undefined);
    const details = build('deepseek', { tools: [TOOL], messages: [HISTORY[0], { ...HISTORY[1], reasoning: undefined, reasoning_details: [{ type: 'reasoning.text', text: 'a' }, { type: 'reasoning.text', text: 'b' }] }, HISTORY[2]] });
    assert.equal(details.body.messages[1].reasoning_content, 'ab');
    assert.equal(build('deepseek', { tools: [TOOL], messages: HISTORY }, { echo_reasoning: false }).body.messages[1].reasoning_content, undefined);
  });

  test('OpenRouter: reasoning, provider preferences and history reasoning_details pass through', () => {
    const details = [{ type: 'reasoning.text', text: 't', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }];
    const { body } = build('openrouter', {
      tools: [TOOL],
      messages: [HISTORY[0], { ...HISTORY[1], reasoning_details: details }, HISTORY[2]],
      reasoning: { effort: 'high', exclude: false },
      provider: { order: ['anthropic'], allow_fallbacks: false },
      top_k: 5,
    });
    assert.deepEqual(body.reasoning, { effort: 'high', exclude: false });
    assert.equal(body.reasoning_effort, undefined);
    assert.deepEqual(body.provider, { order: ['anthropic'], allow_fallbacks: false });
    assert.deepEqual(body.messages[1].reasoning_details, details);
    assert.equal(body.messages[1].reasoning, 'I should call f.');
    assert.equal(body.top_k, 5);
  });

  test('OpenRouter answers keep their reasoning_details (signatures); other hosts derive one from the text', () => {
    const answer = { id: 'x', choices: [{ finish_reason: 'stop', message: { content: 'hi', reasoning: 't', reasoning_details: [{ type: 'reasoning.text', text: 't', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }] } }] };
    assert.equal(get('openrouter').parseResponse(answer, ctx('openrouter')).reasoningDetails![0]!.type, 'reasoning.text');
    assert.equal((get('openrouter').parseResponse(answer, ctx('openrouter')).reasoningDetails![0] as any).signature, 'sig');
    assert.equal((get('vllm').parseResponse(answer, ctx('vllm')).reasoningDetails![0] as any).signature, undefined);
  });

  test('Groq tool_use_failed is a retryable upstream failure, other 400s stay 400', () => {
    const body = JSON.stringify({ error: { message: 'Failed to call a function. Please adjust your prompt.', type: 'invalid_request_error', code: 'tool_use_failed', failed_generation: '<function=f>{' } });
    const e = get('groq').parseError(400, {}, body, ctx('groq'));
    assert.equal(e.status, 502);
    assert.equal(e.retryable, true);
    assert.equal(get('groq').parseError(400, {}, JSON.stringify({ error: { message: 'bad', code: 'x' } }), ctx('groq')).status, 400);
  });
});
