/**
 * Anthropic errors through Switchyard: every error type → the gateway status and the OpenRouter
 * error shape (provider_name, raw upstream body, error_type), seen through the `openai` SDK and
 * `@openrouter/sdk`'s typed errors; retry-after; an overloaded_error event in the middle of a
 * 200 stream (an error chunk after content, a plain 529 before any); fallback to the next
 * endpoint when Claude is overloaded before the first byte.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import * as orErrors from '@openrouter/sdk/models/errors';
import OpenAI from 'openai';
import { answer, anthropicError, ANTHROPIC_KEY, ANTHROPIC_MODEL, startFakeAnthropic, stream, streamFrames } from '../fakes/anthropic.js';
import type { FakeServer } from '../fakes/harness.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { foldOpenRouter, startKit, type Kit } from './anthropic-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const ask = (extra: Record<string, unknown> = {}) => kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming);

// [anthropic type, upstream status, gateway status, error_type, @openrouter/sdk class]
const TABLE: [string, number, number, string, new (...a: any[]) => Error][] = [
  ['invalid_request_error', 400, 400, 'invalid_request', orErrors.BadRequestResponseError],
  ['authentication_error', 401, 502, 'authentication', orErrors.BadGatewayResponseError],
  ['billing_error', 402, 402, 'payment_required', orErrors.PaymentRequiredResponseError],
  ['permission_error', 403, 502, 'permission_denied', orErrors.BadGatewayResponseError],
  ['not_found_error', 404, 404, 'not_found', orErrors.NotFoundResponseError],
  ['request_too_large', 413, 413, 'payload_too_large', orErrors.PayloadTooLargeResponseError],
  ['rate_limit_error', 429, 429, 'rate_limit_exceeded', orErrors.TooManyRequestsResponseError],
  ['api_error', 500, 502, 'provider_unavailable', orErrors.BadGatewayResponseError],
  ['timeout_error', 504, 408, 'timeout', orErrors.RequestTimeoutResponseError],
  ['overloaded_error', 529, 529, 'provider_overloaded', orErrors.ProviderOverloadedResponseError],
];

describe('every Anthropic error type (openai SDK)', () => {
  for (const [type, upstream, status, errorType] of TABLE) {
    test(`${type} (${upstream}) → ${status}`, async () => {
      kit.fake.enqueue(anthropicError(type, `fake ${type}`));
      await assert.rejects(ask(), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError, String(e));
        assert.equal(e.status, status);
        const body = e.error as { code: number; message: string; metadata: Record<string, any> };
        assert.equal(body.code, status);
        assert.equal(body.message, `[fakeanthropic] fake ${type}`);
        assert.equal(body.metadata.provider_name, 'fakeanthropic');
        assert.equal(body.metadata.error_type, errorType);
        assert.equal(body.metadata.upstream_status, upstream);
        assert.deepEqual(JSON.parse(body.metadata.raw).error, { type, message: `fake ${type}` });
        return true;
      });
    });
  }
});

describe('@openrouter/sdk typed errors', () => {
  for (const [type, , status, , Klass] of TABLE) {
    test(`${type} → ${Klass.name}`, async () => {
      kit.fake.enqueue(anthropicError(type, `fake ${type}`));
      await assert.rejects(kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }] } }), (e: any) => {
        assert.ok(e instanceof Klass, `${e?.constructor?.name}: ${e?.message}`);
        const err = e as unknown as { statusCode: number; error: { code: number; message: string } };
        assert.equal(err.statusCode, status);
        assert.equal(err.error.code, status);
        assert.match(err.error.message, /fakeanthropic/);
        return true;
      });
    });
  }
});

describe('retry-after', () => {
  test('rate_limit_error with retry-after → 429 with retry-after for the client', async () => {
    kit.fake.enqueue(anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { headers: { 'retry-after': '17' } }));
    const res = await fetch(`${kit.gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '17');
    const body = await res.json();
    assert.equal(body.error.code, 429);
    assert.equal(body.error.metadata.error_type, 'rate_limit_exceeded');
  });
});

describe('errors inside a 200 stream', () => {
  test('overloaded_error after content: the content, then an error chunk (openai SDK throws with it)', async () => {
    kit.fake.enqueue(stream(streamFrames([{ type: 'text', text: 'Hello there, partial answer' }], { errorAfterBlocks: { blocks: 1, type: 'overloaded_error' } })));
    const s = await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const c of s) text += c.choices[0]?.delta.content ?? '';
      })(),
      (e: unknown) => e instanceof OpenAI.APIError && /Overloaded/.test(e.message),
    );
    assert.equal(text, 'Hello there, partial answer');
  });

  test('the same with @openrouter/sdk: a chunk whose error has integer code 529, finish_reason error', async () => {
    kit.fake.enqueue(stream(streamFrames([{ type: 'text', text: 'Hello' }], { errorAfterBlocks: { blocks: 1, type: 'overloaded_error' } }), { fragment: { random: 9 } }));
    const out = await foldOpenRouter((await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true } })) as AsyncIterable<unknown>);
    assert.equal(out.content, 'Hello');
    assert.equal(out.error?.code, 529);
    assert.equal(out.error?.message, '[fakeanthropic] Overloaded');
    assert.equal(out.finishReason, 'error');
  });

  test('overloaded_error before any content: a plain 529 response, no stream', async () => {
    kit.fake.enqueue(stream(streamFrames([{ type: 'text', text: 'never' }], { errorAfterBlocks: { blocks: 0, type: 'overloaded_error' } })));
    await assert.rejects(kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 529);
      return true;
    });
  });

  test('an HTTP 529 for a streaming request is a 529 too', async () => {
    kit.fake.enqueue(anthropicError('overloaded_error', 'Overloaded'));
    await assert.rejects(kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true } }), (e: unknown) => e instanceof orErrors.ProviderOverloadedResponseError);
  });
});

describe('fallback', () => {
  let second: FakeServer;
  let gw: TestGateway;
  before(async () => {
    second = await startFakeAnthropic({ apiKey: 'sk-ant-second' });
  });
  // a fresh gateway per test (endpoint health from one test must not reorder the next), and
  // provider.order so that the primary is tried first (the default balances by price at random)
  const PRIMARY_FIRST = { provider: { order: ['primary'] } } as object;
  beforeEach(async () => {
    gw = await startGateway(
      {
        providers: {
          primary: { type: 'anthropic', base_url: kit.fake.url, api_key: ANTHROPIC_KEY },
          backup: { type: 'anthropic', base_url: second.url, api_key: 'sk-ant-second' },
        },
        models: [{ id: ANTHROPIC_MODEL, endpoints: [{ provider: 'primary', model: 'claude-sonnet-4-5' }, { provider: 'backup', model: 'claude-sonnet-4-5-20250929' }] }],
      },
      {},
    );
  });
  afterEach(() => gw.close());
  after(() => second.stop());

  test('overloaded before the first byte moves to the next endpoint, silently', async () => {
    kit.fake.enqueue(stream(streamFrames([], { errorAfterBlocks: { blocks: 0, type: 'overloaded_error' } })));
    second.enqueue(answer([{ type: 'text', text: 'from the backup' }]));
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    let text = '';
    let provider = '';
    for await (const c of await client.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true, ...PRIMARY_FIRST })) {
      text += c.choices[0]?.delta.content ?? '';
      provider = (c as unknown as { provider: string }).provider;
    }
    assert.equal(text, 'from the backup');
    assert.equal(provider, 'backup');
    assert.equal(second.last!.body.model, 'claude-sonnet-4-5-20250929');
  });

  test('a 400 does not fall back', async () => {
    const before = second.requests.length;
    kit.fake.enqueue(anthropicError('invalid_request_error', 'messages.0: bad'));
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Hi' }], ...PRIMARY_FIRST }), (e: unknown) => e instanceof OpenAI.BadRequestError);
    assert.equal(second.requests.length, before);
  });
});
