/**
 * Retries and fallbacks through the real gateway over wire-level fakes: a failure before the
 * first byte (500, 429 with retry-after, timeout, connection refused, reset) moves to the next
 * endpoint; a 400 does not; after the first streamed byte there is no switch (error chunk);
 * `models` falls back to the next model; allow_fallbacks: false and the deadline stop it.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { completion, stream, streamFrames } from '../fakes/openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { count, MODEL, post, routingConfig, sseData, startFakes, stopAll } from './routing-fixtures.js';

const err500 = { kind: 'json', status: 500, body: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } } as const;

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let fakes: Record<string, FakeServer>;
let gw: TestGateway;
let deadPort: number;

before(async () => {
  fakes = await startFakes(['first', 'second', 'other']);
  deadPort = await closedPort();
  gw = await startGateway(
    routingConfig(fakes, [{ name: 'first', promptPerM: 1, provider: { timeout_ms: 400 } }, { name: 'second', promptPerM: 2 }], {
      routing: { health: { failure_threshold: 1000 } },
    }),
  );
});
after(async () => {
  await gw.close();
  await stopAll(fakes);
});
beforeEach(() => {
  for (const f of Object.values(fakes)) f.requests.length = 0;
});

/** first before second, by price. */
const ordered = { provider: { sort: 'price' } };

describe('fallback to the next endpoint before the first byte', () => {
  test('500 → the next endpoint serves; the response says which', async () => {
    fakes.first!.enqueue(err500);
    const r = await post(gw.baseURL, ordered);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.provider, 'second');
    assert.equal(r.body.model, MODEL);
    assert.equal(r.body.choices[0].message.content, 'from second');
    assert.deepEqual(count(fakes), { first: 1, second: 1, other: 0 });
  });

  test('a timeout (no headers within timeout_ms) → the next endpoint', async () => {
    fakes.first!.enqueue({ kind: 'hang' });
    const t0 = Date.now();
    const r = await post(gw.baseURL, { provider: { order: ['first', 'second'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.provider, 'second');
    assert.ok(Date.now() - t0 >= 380, 'waited for the timeout');
  });

  test('a reset connection → the next endpoint, streaming too', async () => {
    fakes.first!.enqueue({ kind: 'reset' });
    const r = await post(gw.baseURL, { ...ordered, stream: true });
    assert.equal(r.status, 200);
    const chunks = sseData(r.text);
    assert.equal(chunks[0].provider, 'second');
    assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'from second');
  });

  test('a 500 before a stream starts → the next endpoint streams', async () => {
    fakes.first!.enqueue(err500);
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    const s = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true, ...ordered } as never);
    let text = '';
    let provider = '';
    for await (const c of s as unknown as AsyncIterable<{ provider: string; choices: { delta: { content?: string } }[] }>) {
      provider = c.provider;
      text += c.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, 'from second');
    assert.equal(provider, 'second');
  });

  test('a 400 request error does not fall back', async () => {
    fakes.first!.enqueue({ kind: 'json', status: 400, body: { error: { message: "Invalid 'messages[0].content'", type: 'invalid_request_error', param: null, code: null } } });
    const r = await post(gw.baseURL, ordered);
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /^\[first\] Invalid/);
    assert.deepEqual(count(fakes), { first: 1, second: 0, other: 0 });
  });

  test('allow_fallbacks: false stops after the first endpoint', async () => {
    fakes.first!.enqueue(err500);
    const r = await post(gw.baseURL, { provider: { sort: 'price', allow_fallbacks: false } });
    assert.equal(r.status, 502);
    assert.deepEqual(count(fakes), { first: 1, second: 0, other: 0 });
  });

  test('every endpoint failing → the last error, with each attempt in metadata', async () => {
    fakes.first!.enqueue(err500);
    fakes.second!.enqueue({ kind: 'json', status: 503, body: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } } });
    const r = await post(gw.baseURL, ordered);
    assert.equal(r.status, 503);
    assert.deepEqual(r.body.error.metadata.attempts.map((a: { provider: string; status: number }) => [a.provider, a.status]), [['first', 500], ['second', 503]]);
  });
});

describe('no switch after the first streamed byte', () => {
  test('a reset mid-stream ends in an error chunk; the other endpoint is never asked', async () => {
    fakes.first!.enqueue(stream(streamFrames({ text: ['partial ', 'answer ', 'more'] }), { resetAfterFrames: 3, delayMs: 20 }));
    const r = await post(gw.baseURL, { ...ordered, stream: true });
    assert.equal(r.status, 200);
    const chunks = sseData(r.text);
    assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'partial answer ');
    const last = chunks.at(-1)!;
    assert.equal(last.choices[0].finish_reason, 'error');
    assert.equal(typeof last.error.code, 'number');
    assert.ok(r.text.trimEnd().endsWith('data: [DONE]'));
    assert.deepEqual(count(fakes), { first: 1, second: 0, other: 0 });
  });
});

describe('a rate-limited endpoint', () => {
  let paused: TestGateway;
  before(async () => {
    paused = await startGateway(routingConfig(fakes, [{ name: 'first', promptPerM: 1 }, { name: 'second', promptPerM: 2 }]));
  });
  after(() => paused.close());

  test('429 with a long retry-after → the next endpoint at once', async () => {
    fakes.first!.enqueue({ kind: 'json', status: 429, headers: { 'retry-after': '30' }, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const t0 = Date.now();
    const r = await post(paused.baseURL, ordered);
    assert.equal(r.body.provider, 'second');
    assert.ok(Date.now() - t0 < 3000);
    // the rate-limited endpoint is paused: the next request goes to second without asking first
    const again = await post(paused.baseURL, ordered);
    assert.equal(again.body.provider, 'second');
    assert.deepEqual(count(fakes), { first: 1, second: 2, other: 0 });
  });

});

describe('retry-after on the only endpoint', () => {
  let solo: TestGateway;
  before(async () => {
    solo = await startGateway(routingConfig(fakes, [{ name: 'other' }], { routing: { deadline_ms: 5000 } }));
  });
  after(() => solo.close());

  test('waits for a short retry-after (seconds) and tries again', async () => {
    fakes.other!.enqueue({ kind: 'json', status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const t0 = Date.now();
    const r = await post(solo.baseURL, {});
    const waited = Date.now() - t0;
    assert.equal(r.status, 200, r.text);
    assert.equal(fakes.other!.requests.length, 2);
    const gap = fakes.other!.requests[1]!.receivedAt - fakes.other!.requests[0]!.receivedAt;
    assert.ok(gap >= 990, `second try ${gap} ms after the first`);
    assert.ok(waited < 4000);
  });

  test('retry-after-ms, twice, then success', async () => {
    const limited = { kind: 'json', status: 429, headers: { 'retry-after-ms': '150' }, body: { error: { message: 'slow down', type: 'requests', param: null, code: null } } } as const;
    fakes.other!.enqueue(limited, limited);
    const r = await post(solo.baseURL, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(fakes.other!.requests.length, 3);
  });

  test('a retry-after beyond the wait limit goes back to the client', async () => {
    fakes.other!.enqueue({ kind: 'json', status: 429, headers: { 'retry-after': '20' }, body: { error: { message: 'slow down', type: 'requests', param: null, code: null } } });
    const r = await post(solo.baseURL, {});
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '20');
    assert.equal(fakes.other!.requests.length, 1);
  });
});

describe('models fallback, connection refused, deadline', () => {
  let multi: TestGateway;
  before(async () => {
    multi = await startGateway(
      routingConfig(
        fakes,
        [
          { name: 'dead', baseUrl: `http://127.0.0.1:${deadPort}/v1` },
          { name: 'first', provider: { timeout_ms: 300 } },
          { name: 'second' },
        ],
        { routing: { deadline_ms: 250 } },
        [
          { id: 'acme/dead-only', endpoints: ['dead'] },
          { id: 'acme/slow', endpoints: ['first', 'second'] },
          { id: 'acme/first-only', endpoints: ['first'] },
          { id: 'acme/dead-first', endpoints: ['dead', 'second'] },
          { id: 'acme/backup', endpoints: ['second'] },
        ],
      ),
    );
  });
  after(() => multi.close());

  test('connection refused on every endpoint of the first model → the next model serves', async () => {
    const r = await post(multi.baseURL, { model: 'acme/dead-only', models: ['acme/backup'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.model, 'acme/backup');
    assert.equal(r.body.provider, 'second');
  });

  test('connection refused → the next endpoint of the same model', async () => {
    const r = await post(multi.baseURL, { model: 'acme/dead-first', provider: { order: ['dead', 'second'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.provider, 'second');
    assert.equal(r.body.model, 'acme/dead-first');
  });

  test('models without model: the list alone, in order', async () => {
    const r = await post(multi.baseURL, { model: undefined, models: ['acme/dead-only', 'acme/backup'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.model, 'acme/backup');
  });

  test('connection refused alone → 502 naming the provider', async () => {
    const r = await post(multi.baseURL, { model: 'acme/dead-only' });
    assert.equal(r.status, 502);
    assert.match(r.body.error.message, /\[dead\] upstream unreachable/);
  });

  test('past the deadline no further endpoint is tried', async () => {
    fakes.first!.enqueue({ kind: 'hang' });
    const r = await post(multi.baseURL, { model: 'acme/slow', provider: { order: ['first'] } });
    assert.equal(r.status, 408);
    assert.equal(fakes.second!.requests.length, 0);
  });

  test('a context-length 400 moves on to the next model (spec §1.1)', async () => {
    fakes.first!.enqueue({ kind: 'json', status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
    const r = await post(multi.baseURL, { model: 'acme/first-only', models: ['acme/backup'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.model, 'acme/backup');
    assert.equal(r.body.provider, 'second');
  });

  test('a 400 does not move on to the next model either', async () => {
    fakes.first!.enqueue({ kind: 'json', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } } });
    const r = await post(multi.baseURL, { model: 'acme/slow', models: ['acme/backup'], provider: { order: ['first'] } });
    assert.equal(r.status, 400);
    assert.equal(fakes.second!.requests.length, 0);
  });
});
