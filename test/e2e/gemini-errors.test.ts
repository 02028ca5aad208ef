/**
 * Gemini failures as the `openai` SDK sees them through Switchyard: Google error bodies → status
 * and OpenRouter's error shape (raw body in metadata), retry info, fallback to another endpoint
 * on retryable errors, finish reasons that mean failure or filtering, errors inside a stream,
 * and SSE cut at every byte.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { FakeServer } from '../fakes/harness.js';
import { GEMINI_KEY, GEMINI_MODEL, googleError, part, reply, sseFrame, startFakeGemini, streamReply } from '../fakes/gemini.js';
import { searchGutenbergTool } from '../fixtures/books.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { fold } from './gemini-kit.js';

const tools = [searchGutenbergTool as ChatCompletionTool];
const messages = [{ role: 'user' as const, content: 'Joyce books?' }];

let fake: FakeServer;
let gw: TestGateway;
let client: OpenAI;
before(async () => {
  fake = await startFakeGemini({ apiKey: GEMINI_KEY });
  // two Gemini endpoints for one model, so retryable failures can fall back
  gw = await startGateway({
    providers: {
      gem: { type: 'gemini', base_url: fake.url, api_key: GEMINI_KEY },
      gem_backup: { type: 'gemini', base_url: fake.url, api_key: GEMINI_KEY },
      gem_badkey: { type: 'gemini', base_url: fake.url, api_key: 'wrong-key' },
      // its own endpoint, so the retry-after it gets pauses nothing the other tests use
      gem_quota: { type: 'gemini', base_url: fake.url, api_key: GEMINI_KEY },
    },
    models: [
      {
        id: GEMINI_MODEL,
        endpoints: [
          { provider: 'gem', model: 'gemini-2.5-flash', pricing: { prompt: '0.0000003', completion: '0.0000025' } },
          // weight 0: never drawn first, so the order is fixed: gem, then gem_backup
          { provider: 'gem_backup', model: 'gemini-2.5-flash', pricing: { prompt: '0.0000003', completion: '0.0000025' }, weight: 0 },
        ],
      },
      { id: 'google/badkey', endpoints: [{ provider: 'gem_badkey', model: 'gemini-2.5-flash', pricing: { prompt: '0', completion: '0' } }] },
      { id: 'google/quota', endpoints: [{ provider: 'gem_quota', model: 'gemini-2.5-flash', pricing: { prompt: '0', completion: '0' } }] },
      { id: 'google/single', endpoints: [{ provider: 'gem', model: 'gemini-2.5-flash', pricing: { prompt: '0', completion: '0' } }] },
    ],
  }, {});
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
});
after(async () => {
  await gw.close();
  await fake.stop();
});

const create = (model = 'google/single', extra: Record<string, unknown> = {}) => client.chat.completions.create({ model, messages, tools, ...extra } as any);
const stream = async (model = 'google/single') => fold(await client.chat.completions.create({ model, messages, tools, stream: true } as ChatCompletionCreateParamsStreaming));

describe('Google error bodies', () => {
  test('INVALID_ARGUMENT → 400 in OpenRouter shape, raw Google body in metadata, no fallback', async () => {
    const n = fake.requests.length;
    fake.enqueue(googleError(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents[0].parts[0].data: required oneof field \'data\' must have one initialized field'));
    await assert.rejects(create(GEMINI_MODEL), (e: any) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /\[gem\] INVALID_ARGUMENT: \* GenerateContentRequest/);
      assert.equal(e.error.metadata.provider_name, 'gem');
      assert.equal(JSON.parse(e.error.metadata.raw).error.status, 'INVALID_ARGUMENT');
      assert.equal(e.error.metadata.error_type, 'invalid_request');
      return true;
    });
    assert.equal(fake.requests.length, n + 1, 'a request error is not retried elsewhere');
  });

  test('an invalid upstream API key → 502 (the operator\'s credentials, not the client\'s)', async () => {
    await assert.rejects(create('google/badkey'), (e: any) => {
      assert.equal(e.status, 502);
      assert.match(e.message, /API key not valid/);
      assert.equal(e.error.metadata.error_type, 'authentication');
      return true;
    });
  });

  test('PERMISSION_DENIED → 502', async () => {
    fake.enqueue(googleError(403, 'PERMISSION_DENIED', 'Generative Language API has not been used in project 123 before or it is disabled.'));
    await assert.rejects(create(), (e: any) => e.status === 502 && /PERMISSION_DENIED/.test(e.message));
  });

  test('RESOURCE_EXHAUSTED with RetryInfo → 429 with retry-after', async () => {
    fake.enqueue(googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '21s' },
    ]));
    await assert.rejects(create('google/quota'), (e: any) => {
      assert.equal(e.status, 429);
      assert.equal(e.headers.get('retry-after'), '21');
      assert.equal(e.error.metadata.error_type, 'rate_limit_exceeded');
      return true;
    });
  });

  test('UNAVAILABLE on the first endpoint → the next endpoint answers', async () => {
    fake.enqueue(googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'), reply([part.text('Ulysses.')]));
    const n = fake.requests.length;
    const res = await create(GEMINI_MODEL);
    assert.equal(fake.requests.length, n + 2);
    assert.equal(res.choices[0]!.message.content, 'Ulysses.');
    assert.equal((res as any).provider, 'gem_backup');
  });

  test('UNAVAILABLE everywhere → 503', async () => {
    fake.enqueue(googleError(503, 'UNAVAILABLE', 'overloaded'), googleError(503, 'UNAVAILABLE', 'overloaded'));
    await assert.rejects(create(GEMINI_MODEL), (e: any) => e.status === 503 && e.error.metadata.error_type === 'provider_overloaded');
  });

  test('streaming request refused before any byte → a plain JSON error with the status', async () => {
    fake.enqueue(googleError(429, 'RESOURCE_EXHAUSTED', 'quota'));
    await assert.rejects(stream(), (e: any) => e.status === 429);
  });
});

describe('finish reasons that are not a normal stop', () => {
  test('MALFORMED_FUNCTION_CALL → a clear error (and another endpoint gets a try)', async () => {
    fake.enqueue(reply([], { finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: search_gutenberg_books(search_terms=joyce' }), reply([], { finishReason: 'MALFORMED_FUNCTION_CALL' }));
    await assert.rejects(create(GEMINI_MODEL), (e: any) => {
      assert.equal(e.status, 502);
      assert.match(e.message, /Gemini stopped with MALFORMED_FUNCTION_CALL: the model produced a malformed function call/);
      return true;
    });
  });
  test('MALFORMED_FUNCTION_CALL after streaming began → error chunk, finish_reason error', async () => {
    fake.enqueue(streamReply([[part.text('Let me search')], []], { finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call' }));
    const f = await stream();
    assert.equal(f.content, 'Let me search');
    assert.equal(f.finishReason, 'error');
    assert.match(f.error.message, /MALFORMED_FUNCTION_CALL/);
  });
  for (const native of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT']) {
    test(`${native} → content_filter, native kept`, async () => {
      fake.enqueue(reply([part.text('partial')], { finishReason: native }));
      const res = await create();
      assert.equal(res.choices[0]!.finish_reason, 'content_filter');
      assert.equal((res.choices[0] as any).native_finish_reason, native);
    });
  }
  test('a blocked prompt (no candidates) → content_filter', async () => {
    fake.enqueue({ kind: 'json', body: { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 }, modelVersion: 'gemini-2.5-flash', responseId: 'x' } });
    const res = await create();
    assert.equal(res.choices[0]!.finish_reason, 'content_filter');
    assert.equal(res.choices[0]!.message.content, null);
  });
  test('MAX_TOKENS → length', async () => {
    fake.enqueue(streamReply([[part.text('Ulys')]], { finishReason: 'MAX_TOKENS' }));
    const f = await stream();
    assert.equal(f.finishReason, 'length');
    assert.equal(f.nativeFinishReason, 'MAX_TOKENS');
  });
});

describe('stream faults', () => {
  test('an error frame after the finish changes nothing: the answer was complete', async () => {
    fake.enqueue(streamReply([[part.text('Joyce wrote ')]], { extraFrames: [sseFrame({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } })] }));
    const f = await stream();
    assert.equal(f.content, 'Joyce wrote ');
    assert.equal(f.finishReason, 'stop');
    assert.equal(f.error, undefined);
  });
  test('an error frame before the finish → finish_reason error, the message kept', async () => {
    const frames = [
      sseFrame({ candidates: [{ content: { role: 'model', parts: [{ text: 'Joyce wrote ' }] }, index: 0 }], responseId: 'r' }),
      sseFrame({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }),
    ];
    fake.enqueue({ kind: 'stream', frames });
    const f = await stream();
    assert.equal(f.content, 'Joyce wrote ');
    assert.equal(f.finishReason, 'error');
    assert.equal(f.error.code, 503);
    assert.match(f.error.message, /UNAVAILABLE: The model is overloaded/);
  });
  test('the connection closes without a finishReason → error chunk', async () => {
    fake.enqueue({ kind: 'stream', frames: [sseFrame({ candidates: [{ content: { role: 'model', parts: [{ text: 'Joy' }] }, index: 0 }] })] });
    const f = await stream();
    assert.equal(f.finishReason, 'error');
  });
  test('SSE cut at every byte, and at random, reads exactly like whole frames (UTF-8, calls, usage)', async () => {
    const chunks = [[part.thought('Über-thinking… 🤔')], [part.text('Ulysses — “Joyce” ')], [part.call('search_gutenberg_books', { search_terms: ['jöyce', '🍀'] }), part.call('search_gutenberg_books', { search_terms: ['dublin'] })]];
    const results = [];
    for (const fragment of ['frame', 'byte', { random: 5 }, { every: 3 }] as const) {
      fake.enqueue(streamReply(chunks, { usage: { prompt: 11, candidates: 7, thoughts: 5 }, fragment }));
      const f = await fold(await client.chat.completions.create({ model: 'google/single', messages, tools, stream: true, reasoning: { effort: 'low' } } as ChatCompletionCreateParamsStreaming));
      results.push({ content: f.content, reasoning: f.reasoning, calls: f.toolCalls.map((c) => [c.function.name, c.function.arguments]), finish: f.finishReason, usage: [f.usage.prompt_tokens, f.usage.completion_tokens] });
    }
    assert.deepEqual(results[0], {
      content: 'Ulysses — “Joyce” ',
      reasoning: 'Über-thinking… 🤔',
      calls: [['search_gutenberg_books', '{"search_terms":["jöyce","🍀"]}'], ['search_gutenberg_books', '{"search_terms":["dublin"]}']],
      finish: 'tool_calls',
      usage: [11, 12],
    });
    for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
  });
});
