/**
 * Error shapes and upstream faults: upstream error bodies mapped with provider name and raw body,
 * unknown model, unreachable and timed-out upstreams, resets and garbage mid-stream, keep-alive
 * comments while waiting, and client disconnect cancelling the upstream request.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { sleep } from '../fakes/harness.js';
import { startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';

let fake: FakeServer;
let gw: TestGateway;
let client: OpenAI;
const MODEL = 'openai/gpt-4o-mini';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

before(async () => {
  fake = await startFakeOpenAI();
  const dead = await freePort();
  const doc = openaiConfig(fake.url, { server: { stream_keepalive_ms: 50 } });
  (doc.providers as Record<string, unknown>).dead = { type: 'openai', base_url: `http://127.0.0.1:${dead}/v1`, api_key: 'k' };
  (doc.providers as Record<string, unknown>).slow = { type: 'openai', base_url: `${fake.url}/v1`, api_key: 'k', timeout_ms: 200 };
  (doc.models as unknown[]).push(
    { id: 'test/dead', endpoints: [{ provider: 'dead', model: 'm' }] },
    { id: 'test/slow', endpoints: [{ provider: 'slow', model: 'm' }] },
  );
  gw = await startGateway(doc, {});
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'any', maxRetries: 0 });
});
after(async () => {
  await gw.close();
  await fake.stop();
});

const post = async (body: unknown) => {
  const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
};
const hi = { messages: [{ role: 'user', content: 'hi' }] };

describe('error shapes', () => {
  test('unknown model → 404 in the error shape', async () => {
    const r = await post({ model: 'nobody/nothing', ...hi });
    assert.equal(r.status, 404);
    const j = JSON.parse(r.text);
    assert.equal(j.error.code, 404);
    assert.match(j.error.message, /nobody\/nothing/);
    assert.equal(r.headers.get('content-type'), 'application/json');
  });

  test('unknown route → 404; wrong method → 405', async () => {
    const a = await fetch(`${gw.url}/api/v1/nope`);
    assert.equal(a.status, 404);
    assert.equal((await a.json()).error.code, 404);
    const b = await fetch(`${gw.baseURL}/chat/completions`);
    assert.equal(b.status, 405);
  });

  test('upstream 400 keeps its status, with provider_name and the raw body', async () => {
    const raw = { error: { message: "Invalid 'messages[0].content'", type: 'invalid_request_error', param: 'messages', code: null } };
    fake.enqueue({ kind: 'json', status: 400, body: raw });
    const r = await post({ model: MODEL, ...hi });
    assert.equal(r.status, 400);
    const j = JSON.parse(r.text);
    assert.equal(j.error.code, 400);
    assert.match(j.error.message, /^\[fakeopenai\] Invalid 'messages\[0\]\.content'/);
    assert.equal(j.error.metadata.provider_name, 'fakeopenai');
    assert.deepEqual(JSON.parse(j.error.metadata.raw), raw);
  });

  test('upstream 429 → 429 with retry-after', async () => {
    fake.enqueue({ kind: 'json', status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } });
    const r = await post({ model: MODEL, ...hi });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
    assert.equal(JSON.parse(r.text).error.metadata.error_type, 'rate_limit_exceeded');
  });

  test('upstream 500 with a non-JSON body → 502, raw kept', async () => {
    fake.enqueue({ kind: 'raw', status: 500, body: '<html>oops</html>' });
    const r = await post({ model: MODEL, ...hi });
    assert.equal(r.status, 502);
    const j = JSON.parse(r.text);
    assert.equal(j.error.metadata.raw, '<html>oops</html>');
  });

  test('upstream 401 (operator key) → 502, not the client\'s 401', async () => {
    fake.enqueue({ kind: 'json', status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } });
    const r = await post({ model: MODEL, ...hi });
    assert.equal(r.status, 502);
    assert.equal(JSON.parse(r.text).error.metadata.upstream_status, 401);
  });

  test('upstream garbage JSON on 200 → 502', async () => {
    fake.enqueue({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{"choices": [' });
    const r = await post({ model: MODEL, ...hi });
    assert.equal(r.status, 502);
    assert.match(JSON.parse(r.text).error.message, /invalid JSON/);
  });

  test('upstream unreachable → 502', async () => {
    const r = await post({ model: 'test/dead', ...hi });
    assert.equal(r.status, 502);
    const j = JSON.parse(r.text);
    assert.match(j.error.message, /unreachable/);
    assert.equal(j.error.metadata.provider_name, 'dead');
  });

  test('upstream timeout → 408', async () => {
    fake.enqueue({ kind: 'hang' });
    const r = await post({ model: 'test/slow', ...hi });
    assert.equal(r.status, 408);
    assert.match(JSON.parse(r.text).error.message, /timed out/);
  });

  test('the openai SDK sees typed errors', async () => {
    fake.enqueue({ kind: 'json', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } });
    await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.status, 400);
      return true;
    });
  });
});

function frames(text: string): { data: any[]; comments: number } {
  const out: any[] = [];
  let comments = 0;
  for (const block of text.split('\n\n')) {
    if (block.startsWith(':')) comments++;
    else if (block.startsWith('data: ')) out.push(block.slice(6) === '[DONE]' ? '[DONE]' : JSON.parse(block.slice(6)));
  }
  return { data: out, comments };
}

describe('stream faults', () => {
  test('reset mid-stream → error chunk with finish_reason error, then [DONE]', async () => {
    fake.enqueue(stream(streamFrames({ text: ['Hel', 'lo', ' world'] }), { resetAfterFrames: 3, delayMs: 20 }));
    const r = await post({ model: MODEL, ...hi, stream: true });
    assert.equal(r.status, 200);
    const { data } = frames(r.text);
    assert.equal(data.at(-1), '[DONE]');
    const err = data.at(-2);
    assert.equal(typeof err.error.code, 'number');
    assert.equal(err.error.code, 502);
    assert.equal(err.choices[0].finish_reason, 'error');
    assert.ok(err.id.startsWith('gen-') && err.object === 'chat.completion.chunk');
    assert.equal(data.filter((d) => d !== '[DONE]' && d.choices[0]?.delta?.content).map((d) => d.choices[0].delta.content).join(''), 'Hello');
  });

  test('reset before any content reached the client → a real 502, not a 200 stream', async () => {
    fake.enqueue(stream(streamFrames({ text: ['never'] }), { resetAfterFrames: 1 }));
    const r = await post({ model: MODEL, ...hi, stream: true });
    assert.equal(r.status, 502);
    assert.equal(JSON.parse(r.text).error.code, 502);
  });

  test('garbage bytes mid-stream → error chunk', async () => {
    const f = streamFrames({ text: ['a', 'b'] });
    f.splice(2, 0, 'data: {not json\n\n');
    fake.enqueue(stream(f));
    const r = await post({ model: MODEL, ...hi, stream: true });
    const { data } = frames(r.text);
    const err = data.find((d) => d !== '[DONE]' && d.error);
    assert.ok(err);
    assert.match(err.error.message, /invalid stream chunk/);
  });

  test('upstream error chunk mid-stream → error chunk', async () => {
    const f = streamFrames({ text: ['a'] }).slice(0, 2);
    f.push('data: {"error":{"message":"The server had an error","type":"server_error"}}\n\n');
    fake.enqueue(stream(f));
    const r = await post({ model: MODEL, ...hi, stream: true });
    const { data } = frames(r.text);
    const err = data.find((d) => d !== '[DONE]' && d.error);
    assert.match(err.error.message, /The server had an error/);
    assert.equal(data.at(-1), '[DONE]');
  });

  test('stream that closes without finishing → error chunk, never a silent truncation', async () => {
    fake.enqueue(stream(streamFrames({ text: ['a', 'b'] }).slice(0, 3)));
    const r = await post({ model: MODEL, ...hi, stream: true });
    const { data } = frames(r.text);
    assert.match(data.at(-2).error.message, /closed the stream before it finished/);
  });

  test('error before the first byte of a stream → plain JSON error with real status', async () => {
    fake.enqueue({ kind: 'json', status: 400, body: { error: { message: 'nope' } } });
    const r = await post({ model: MODEL, ...hi, stream: true });
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.text).error.code, 400);
  });

  test('keep-alive comments while the upstream is slow to answer', async () => {
    fake.enqueue(stream(streamFrames({ text: ['late'] }), { headerDelayMs: 250 }));
    const r = await post({ model: MODEL, ...hi, stream: true });
    assert.equal(r.status, 200);
    assert.match(r.text, /^: SWITCHYARD PROCESSING\n\n/);
    const { data, comments } = frames(r.text);
    assert.ok(comments >= 2, `comments: ${comments}`);
    assert.equal(data.map((d) => (d === '[DONE]' ? '' : d.choices[0]?.delta?.content ?? '')).join(''), 'late');
  });

  test('no chunk is held back waiting for the next', async () => {
    fake.enqueue(stream(streamFrames({ text: ['first', 'second'] }), { delayMs: 300 }));
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, ...hi, stream: true }) });
    const reader = res.body!.getReader();
    const t0 = Date.now();
    let got = '';
    while (!got.includes('"first"')) {
      const { value, done } = await reader.read();
      if (done) break;
      got += new TextDecoder().decode(value);
    }
    const elapsed = Date.now() - t0;
    assert.ok(got.includes('"first"'));
    assert.ok(elapsed < 900, `first content arrived after ${elapsed} ms: it was held back`);
    await reader.cancel();
  });
});

describe('cancellation', () => {
  test('client disconnect aborts the upstream request within 100 ms', async () => {
    fake.enqueue(stream(streamFrames({ text: Array.from({ length: 50 }, (_, i) => `t${i} `) }), { delayMs: 40 }));
    const ac = new AbortController();
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, ...hi, stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const upstreamReq = fake.last!;
    const abortedAt = Date.now();
    ac.abort();
    for (let i = 0; i < 50 && upstreamReq.closedAt === undefined; i++) await sleep(10);
    assert.ok(upstreamReq.closedAt !== undefined, 'upstream connection was not closed');
    const lag = upstreamReq.closedAt! - abortedAt;
    assert.ok(lag <= 100, `upstream closed ${lag} ms after the client left`);
  });

  test('disconnect while waiting for a non-streaming answer aborts too', async () => {
    fake.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    const p = fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, ...hi }), signal: ac.signal }).catch(() => undefined);
    for (let i = 0; i < 100 && fake.last?.body?.messages === undefined; i++) await sleep(5);
    await sleep(20);
    const upstreamReq = fake.last!;
    const abortedAt = Date.now();
    ac.abort();
    await p;
    for (let i = 0; i < 50 && upstreamReq.closedAt === undefined; i++) await sleep(10);
    assert.ok(upstreamReq.closedAt !== undefined && upstreamReq.closedAt - abortedAt <= 100);
  });
});
