/**
 * OpenAI-compatible presets end to end, through the openai SDK: the host quirks a generic
 * adapter gets wrong. DeepSeek reasoning_content in streams cut byte by byte, its cache-hit usage
 * and insufficient_system_resource; Groq tool_use_failed falling back to another endpoint; a vLLM
 * server without auto tool choice; OpenRouter reasoning_details with signatures in a stream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { compatError, hostCompletion, hostStream, startFakeHost, type Host } from '../fakes/compat.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { collect } from '../conformance/suite.js';

const HOSTS: Host[] = ['deepseek', 'groq', 'vllm', 'llamacpp', 'openrouter'];
const fakes = {} as Record<Host, FakeServer>;
let gw: TestGateway;
let client: OpenAI;
const TOOL = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

before(async () => {
  for (const h of HOSTS) fakes[h] = await startFakeHost(h, h === 'vllm' ? { autoToolChoice: false } : {});
  const providers = Object.fromEntries(HOSTS.map((h) => [h, { type: h, base_url: `${fakes[h].url}/v1`, api_key: 'k' }]));
  const one = (h: Host, model: string) => ({ id: `t/${h}`, endpoints: [{ provider: h, model, pricing: { prompt: '0.000001', completion: '0.000002', input_cache_read: '0.0000001' } }] });
  gw = await startGateway({
    providers,
    models: [
      one('deepseek', 'deepseek-reasoner'), one('vllm', 'qwen3'), one('llamacpp', 'qwen3'), one('openrouter', 'anthropic/claude-sonnet-4.5'),
      { id: 't/groq-then-deepseek', endpoints: [{ provider: 'groq', model: 'llama-3.3-70b-versatile' }, { provider: 'deepseek', model: 'deepseek-chat' }] },
    ],
  }, {});
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
});
after(async () => {
  await gw.close();
  for (const h of HOSTS) await fakes[h].stop();
});

describe('DeepSeek', () => {
  test('reasoning_content deltas cut byte by byte arrive as reasoning + reasoning_details; cache hits are cached_tokens', async () => {
    fakes.deepseek.enqueue(hostStream('deepseek', { reasoningPieces: ['Ünïcødé ', 'thoughts 🤔'], text: ['The answer', ' is 4.'], usage: { prompt: 100, completion: 20, cacheHit: 64 } }, 'byte'));
    const s = await collect(await client.chat.completions.create({ model: 't/deepseek', messages: [{ role: 'user', content: '2+2?' }], stream: true }));
    assert.equal(s.reasoning, 'Ünïcødé thoughts 🤔');
    assert.equal(s.details[0]!.text, 'Ünïcødé thoughts 🤔');
    assert.equal(s.content, 'The answer is 4.');
    assert.equal(s.usage?.prompt_tokens_details?.cached_tokens, 64);
    assert.equal(fakes.deepseek.last!.body.max_completion_tokens, undefined);
  });

  test('insufficient_system_resource ends with finish_reason error (streaming and not)', async () => {
    fakes.deepseek.enqueue(hostStream('deepseek', { text: ['partial'], finish: 'insufficient_system_resource' }), hostCompletion('deepseek', { content: 'partial', finish: 'insufficient_system_resource' }));
    const s = await collect(await client.chat.completions.create({ model: 't/deepseek', messages: [{ role: 'user', content: 'q' }], stream: true }));
    assert.equal(s.finish, 'error');
    const r = await client.chat.completions.create({ model: 't/deepseek', messages: [{ role: 'user', content: 'q' }] });
    assert.equal(r.choices[0]!.finish_reason, 'error');
    assert.equal((r.choices[0] as any).native_finish_reason, 'insufficient_system_resource');
  });

  test('thinking mode + tools: the reasoning a client replays as `reasoning` goes back as reasoning_content', async () => {
    fakes.deepseek.enqueue(hostCompletion('deepseek', { content: 'Sunny.' }));
    const r = await client.chat.completions.create({
      model: 't/deepseek',
      tools: [TOOL],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: null, reasoning: 'Call the tool.', tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] } as never,
        { role: 'tool', tool_call_id: 'call_0', content: '{"sky":"clear"}' },
      ],
    });
    assert.equal(r.choices[0]!.message.content, 'Sunny.');
    assert.equal(fakes.deepseek.last!.body.messages[1].reasoning_content, 'Call the tool.');
  });
});

test('Groq tool_use_failed (the model wrote broken tool JSON) falls back to the next endpoint', async () => {
  fakes.groq.enqueue(compatError(400, 'Failed to call a function. Please adjust your prompt. See failed_generation for more details.', 'tool_use_failed', { failed_generation: '<function=get_weather{"city": }' }));
  fakes.deepseek.enqueue(hostCompletion('deepseek', { toolCalls: [{ id: 'call_ds', name: 'get_weather', arguments: '{"city":"Oslo"}' }] }));
  const r: OpenAI.Chat.Completions.ChatCompletion = await client.chat.completions.create({ model: 't/groq-then-deepseek', tools: [TOOL], messages: [{ role: 'user', content: 'Weather in Oslo?' }], logprobs: true, provider: { order: ['groq', 'deepseek'] } } as never);
  assert.equal(r.choices[0]!.message.tool_calls?.[0]?.id, 'call_ds');
  assert.equal((r as any).provider, 'deepseek');
  assert.equal('logprobs' in fakes.groq.last!.body, false, 'unsupported logprobs never reach Groq');
});

test('vLLM without --enable-auto-tool-choice: its 400 reaches the client with the provider name', async () => {
  await assert.rejects(client.chat.completions.create({ model: 't/vllm', tools: [TOOL], messages: [{ role: 'user', content: 'q' }] }), (e: any) => {
    assert.equal(e.status, 400);
    assert.match(e.error.message, /enable-auto-tool-choice/);
    assert.equal(e.error.metadata.provider_name, 'vllm');
    return true;
  });
});

test('vLLM `reasoning` and llama.cpp `reasoning_content` both become reasoning; max_tokens stays max_tokens', async () => {
  fakes.vllm.enqueue(hostStream('vllm', { reasoningPieces: ['think'], text: ['ok'] }, { random: 5 }));
  fakes.llamacpp.enqueue(hostCompletion('llamacpp', { reasoning: 'think', content: 'ok' }));
  const s = await collect(await client.chat.completions.create({ model: 't/vllm', messages: [{ role: 'user', content: 'q' }], stream: true, max_tokens: 64 }));
  assert.equal(s.reasoning, 'think');
  assert.equal(fakes.vllm.last!.body.max_tokens, 64);
  const r = await client.chat.completions.create({ model: 't/llamacpp', messages: [{ role: 'user', content: 'q' }], max_completion_tokens: 64 });
  assert.equal((r.choices[0]!.message as any).reasoning, 'think');
  assert.equal(fakes.llamacpp.last!.body.max_tokens, 64);
});

test('OpenRouter upstream: streamed reasoning_details keep their format and signature', async () => {
  const details = [
    { type: 'reasoning.text', text: 'Think', format: 'anthropic-claude-v1', index: 0 },
    { type: 'reasoning.text', text: ' hard.', signature: 'c2ln', format: 'anthropic-claude-v1', index: 0 },
  ];
  fakes.openrouter.enqueue(hostStream('openrouter', { reasoningPieces: ['Think', ' hard.'], reasoningDetails: details, text: ['Done.'] }, { every: 4 }));
  const s = await collect(await client.chat.completions.create({ model: 't/openrouter', messages: [{ role: 'user', content: 'q' }], stream: true, reasoning: { effort: 'low' }, provider: { order: ['anthropic'] } } as never) as never);
  assert.equal(s.reasoning, 'Think hard.');
  assert.deepEqual(s.details, [{ type: 'reasoning.text', text: 'Think hard.', format: 'anthropic-claude-v1', index: 0, signature: 'c2ln' }]);
  assert.deepEqual(fakes.openrouter.last!.body.reasoning, { effort: 'low' });
  assert.deepEqual(fakes.openrouter.last!.body.provider, { order: ['anthropic'] });
});
