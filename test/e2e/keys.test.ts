/**
 * Stored API keys end to end, on every storage backend: SQLite (always) and PostgreSQL + Redis
 * (when scripts/services.sh runs them). Key lifecycle through the admin API with the real
 * @openrouter/sdk, the 401/402/403/429 refusals with their bodies and headers, and charging of
 * plain, streamed, cancelled and failed requests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { OpenRouter } from '@openrouter/sdk';
import { services } from '../../src/store/keys-feature.js';
import type { FakeServer } from '../fakes/harness.js';
import { sleep } from '../fakes/harness.js';
import { completion, startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';
import { PG_URL, REDIS_URL, redisPrefix, servicesAvailable, SERVICES_HINT, tempPgDatabase } from '../helpers/services.js';

const MASTER = 'sk-master-test-0123456789';
const PRICE = { prompt: 0.00000015, completion: 0.0000006 };
const COST_12_9 = 12 * PRICE.prompt + 9 * PRICE.completion; // the fake's default usage

const dir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const up = await servicesAvailable();
const backends: { name: string; skip: string | false; storage: () => Promise<{ doc: Record<string, unknown>; drop(): Promise<void> }> }[] = [
  { name: 'sqlite', skip: false, storage: async () => ({ doc: { storage: { path: join(dir, `k-${Date.now()}.db`) } }, drop: async () => undefined }) },
  {
    name: 'postgres + redis',
    skip: up ? false : `${SERVICES_HINT} (looked for ${PG_URL}, ${REDIS_URL})`,
    storage: async () => {
      const db = await tempPgDatabase();
      return { doc: { storage: { type: 'postgres', url: db.url }, state: { type: 'redis', url: REDIS_URL, prefix: redisPrefix() } }, drop: db.drop };
    },
  },
];

for (const backend of backends) {
  describe(`keys on ${backend.name}`, { skip: backend.skip }, () => {
    let fake: FakeServer;
    let gw: TestGateway;
    let drop: () => Promise<void>;
    const settle = () => services.get(gw.gateway.config)!.idle();

    before(async () => {
      fake = await startFakeOpenAI({ fallback: completion({ content: 'ok' }) });
      const s = await backend.storage();
      drop = s.drop;
      gw = await startGateway(openaiConfig(fake.url, { master_key: MASTER, generations: { flush_ms: 20 }, ...s.doc }));
    });
    after(async () => {
      await gw?.close();
      await fake?.stop();
      await drop?.();
    });

    const admin = () => new OpenRouter({ apiKey: MASTER, serverURL: gw.baseURL, retryConfig: { strategy: 'none' } });
    const api = (path: string, init: RequestInit & { key?: string } = {}) =>
      fetch(`${gw.baseURL}${path}`, { ...init, headers: { authorization: `Bearer ${init.key ?? MASTER}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
    const createKey = async (body: Record<string, unknown>) => {
      const res = await api('/keys', { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as { key: string; data: Record<string, any> };
    };
    const generation = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const r = await api(`/generation?id=${id}`);
        if (r.status === 200) return ((await r.json()) as { data: Record<string, any> }).data;
        await sleep(20);
      }
      throw new Error(`no generation record ${id}`);
    };
    const chat = (key: string, body: Record<string, unknown> = {}) =>
      api('/chat/completions', { key, method: 'POST', body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...body }) });

    it('lifecycle through the admin API with @openrouter/sdk: create, list, get, update, delete', async () => {
      const sdk = admin();
      const created = await sdk.apiKeys.create({ requestBody: { name: 'sdk-key', limit: 5 } });
      assert.match(created.key, /^sk-sy-v1-[0-9a-f]{12}/);
      assert.equal(created.data.name, 'sdk-key');
      assert.equal(created.data.limit, 5);
      assert.equal(created.data.limitRemaining, 5);
      assert.equal(created.data.label, `${created.key.slice(0, 21)}...`);
      const hash = created.data.hash;
      const listed = await sdk.apiKeys.list();
      const mine = listed.data.find((k) => k.hash === hash)!;
      assert.ok(mine && !JSON.stringify(listed).includes(created.key), 'the key itself is never listed');
      const got = await sdk.apiKeys.get({ hash });
      assert.equal(got.data.name, 'sdk-key');
      const updated = await sdk.apiKeys.update({ hash, requestBody: { name: 'sdk-key-2', limit: 7, disabled: true } });
      assert.equal(updated.data.name, 'sdk-key-2');
      assert.equal(updated.data.disabled, true);
      assert.equal(updated.data.limit, 7);
      assert.equal((await chat(created.key)).status, 401, 'disabled');
      assert.deepEqual(await sdk.apiKeys.delete({ hash }), { deleted: true });
      const gone = await api(`/keys/${hash}`);
      assert.equal(gone.status, 404);
      assert.equal(((await gone.json()) as any).error.code, 404);
      assert.equal((await chat(created.key)).status, 401, 'deleted');
    });

    it('the admin API refuses bad bodies (400), unknown keys (404), duplicate names (409) and regular keys (403)', async () => {
      for (const [body, re] of [
        [{}, /name: required/],
        [{ name: 'x', limit: -1 }, /limit: -1 is not a non-negative USD amount/],
        [{ name: 'x', rate_limit: 'often' }, /rate: "often" is not a rate/],
        [{ name: 'x', limit_reset: 'daily' }, /limit_reset/],
        [{ name: 'x', expires_at: 'someday' }, /expires_at|expires/],
        [{ name: 'x', allowed_models: [] }, /at least one/],
      ] as const) {
        const res = await api('/keys', { method: 'POST', body: JSON.stringify(body) });
        const j = (await res.json()) as any;
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(j.error.code, 400);
        assert.match(j.error.message, re);
      }
      await createKey({ name: 'dup' });
      const dup = await api('/keys', { method: 'POST', body: JSON.stringify({ name: 'dup' }) });
      assert.equal(dup.status, 409);
      const { key } = await createKey({ name: 'regular' });
      const res = await api('/keys', { key });
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as any).error.message, /master key/);
      assert.equal((await api('/keys', { key: 'sk-wrong' })).status, 401);
    });

    it('GET /key, /auth/key and /credits answer for the calling key, parsed by the SDK', async () => {
      const { key } = await createKey({ name: 'meta', limit: 2, rate_limit: { requests: 100, interval: '1m' }, expires_at: '2099-01-01T00:00:00Z' });
      assert.equal((await chat(key)).status, 200);
      await settle();
      const sdk = new OpenRouter({ apiKey: key, serverURL: gw.baseURL, retryConfig: { strategy: 'none' } });
      const meta = await sdk.apiKeys.getCurrentKeyMetadata();
      assert.equal(meta.data.limit, 2);
      assert.ok(Math.abs(meta.data.usage - COST_12_9) < 1e-12, `usage ${meta.data.usage}`);
      assert.ok(Math.abs(meta.data.limitRemaining! - (2 - COST_12_9)) < 1e-12);
      assert.ok(Math.abs(meta.data.usageDaily - COST_12_9) < 1e-12);
      assert.deepEqual(meta.data.rateLimit, { requests: 100, interval: '1m', note: 'per key, shared by all replicas' });
      assert.equal(meta.data.expiresAt?.toISOString(), '2099-01-01T00:00:00.000Z');
      assert.equal(meta.data.isProvisioningKey, false);
      const legacy = (await (await api('/auth/key', { key })).json()) as any;
      assert.equal(legacy.data.label, meta.data.label);
      const credits = await sdk.credits.getCredits();
      assert.equal(credits.data.totalCredits, 2);
      assert.ok(Math.abs(credits.data.totalUsage - COST_12_9) < 1e-12);
      const master = await admin().apiKeys.getCurrentKeyMetadata();
      assert.equal(master.data.isProvisioningKey, true);
    });

    it('401: unknown, malformed, disabled and expired keys, in the error shape', async () => {
      const expiresAt = Date.now() + 1500;
      const { key, data } = await createKey({ name: 'short-lived', expires_at: new Date(expiresAt).toISOString() });
      assert.equal((await chat(key)).status, 200);
      const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const [k, re] of [[forged, /invalid API key/], ['sk-sy-v1-nothex', /invalid API key/]] as const) {
        const res = await chat(k);
        assert.equal(res.status, 401);
        const j = (await res.json()) as any;
        assert.equal(j.error.code, 401);
        assert.match(j.error.message, re);
      }
      await sleep(expiresAt + 50 - Date.now());
      const expired = await chat(key);
      assert.equal(expired.status, 401);
      assert.match(((await expired.json()) as any).error.message, /expired/);
      await api(`/keys/${data.hash}`, { method: 'PATCH', body: JSON.stringify({ expires_at: null, disabled: true }) });
      const disabled = await chat(key);
      assert.equal(disabled.status, 401);
      assert.match(((await disabled.json()) as any).error.message, /disabled/);
      await api(`/keys/${data.hash}`, { method: 'PATCH', body: JSON.stringify({ disabled: false }) });
      assert.equal((await chat(key)).status, 200, 'enabled again');
    });

    it('403: a model outside the key’s allow-list (model or models), nothing sent upstream', async () => {
      const { key } = await createKey({ name: 'only-anthropic', allowed_models: ['anthropic/*'] });
      const before = fake.requests.length;
      for (const body of [{}, { model: 'anthropic/claude-3-haiku', models: ['openai/gpt-4o-mini'] }]) {
        const res = await chat(key, body);
        const j = (await res.json()) as any;
        assert.equal(res.status, 403);
        assert.equal(j.error.code, 403);
        assert.equal(j.error.metadata.error_type, 'permission_denied');
        assert.match(j.error.message, /may not use "openai\/gpt-4o-mini" \(allowed: anthropic\/\*\)/);
      }
      assert.equal(fake.requests.length, before);
      const { key: wide } = await createKey({ name: 'openai-only', allowed_models: 'openai/*' });
      assert.equal((await chat(wide)).status, 200);
    });

    it('429: over the request rate, with retry-after and x-ratelimit-* headers; the SDK gets TooManyRequests', async () => {
      const { key } = await createKey({ name: 'slow', rate_limit: '2/10s' });
      assert.equal((await chat(key)).status, 200);
      assert.equal((await chat(key)).status, 200);
      const res = await chat(key);
      assert.equal(res.status, 429);
      const j = (await res.json()) as any;
      assert.equal(j.error.code, 429);
      assert.equal(j.error.metadata.error_type, 'rate_limit_exceeded');
      assert.match(j.error.message, /rate limit of 2\/10s/);
      const retry = Number(res.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 10, `retry-after ${retry}`);
      assert.equal(res.headers.get('x-ratelimit-limit'), '2');
      assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(Number(res.headers.get('x-ratelimit-reset')) > Date.now());
      const sdk = new OpenRouter({ apiKey: key, serverURL: gw.baseURL, retryConfig: { strategy: 'none' } });
      await assert.rejects(sdk.chat.send({ chatRequest: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] } }), (e: Error) => e.constructor.name === 'TooManyRequestsResponseError');
    });

    it('429: over tokens per minute once the real token counts are in', async () => {
      const { key } = await createKey({ name: 'tpm', tokens_per_minute: 30 });
      assert.equal((await chat(key)).status, 200); // 21 tokens
      await settle();
      assert.equal((await chat(key)).status, 200); // 42 ≥ 30 now
      await settle();
      const res = await chat(key);
      assert.equal(res.status, 429);
      assert.match(((await res.json()) as any).error.message, /42 tokens in the last minute; its limit is 30\/min/);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    });

    it('402: refused once usage reaches the credit limit; the SDK gets PaymentRequired', async () => {
      const { key, data } = await createKey({ name: 'budget', limit: COST_12_9 * 1.5 });
      assert.equal((await chat(key)).status, 200);
      await settle();
      assert.equal((await chat(key)).status, 200, 'under the limit: admitted (may overshoot by this one request)');
      await settle();
      const res = await chat(key);
      assert.equal(res.status, 402);
      const j = (await res.json()) as any;
      assert.equal(j.error.code, 402);
      assert.equal(j.error.metadata.error_type, 'payment_required');
      assert.match(j.error.message, /reached its credit limit/);
      const sdk = new OpenRouter({ apiKey: key, serverURL: gw.baseURL, retryConfig: { strategy: 'none' } });
      await assert.rejects(sdk.chat.send({ chatRequest: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] } }), (e: Error) => e.constructor.name === 'PaymentRequiredResponseError');
      await api(`/keys/${data.hash}`, { method: 'PATCH', body: JSON.stringify({ limit: 1 }) });
      await sleep(300); // other replicas' caches (and this one's) refresh
      assert.equal((await chat(key)).status, 200, 'raising the limit lets it through again');
    });

    it('concurrent requests cannot spend past the limit by more than one request', async () => {
      const { key, data } = await createKey({ name: 'burst', limit: COST_12_9 * 3 });
      const statuses = await Promise.all(Array.from({ length: 12 }, () => chat(key, { max_tokens: 20 }).then((r) => r.status)));
      await settle();
      const ok = statuses.filter((s) => s === 200).length;
      assert.ok(statuses.every((s) => s === 200 || s === 402), statuses.join(','));
      const k = (await (await api(`/keys/${data.hash}`)).json()) as any;
      assert.ok(k.data.usage <= COST_12_9 * 4 + 1e-12, `usage ${k.data.usage} for ${ok} admitted`);
      assert.ok(ok >= 1 && ok <= 4, `admitted ${ok}`);
    });

    it('charges streamed requests from the final usage chunk', async () => {
      const { key, data } = await createKey({ name: 'streamer' });
      fake.enqueue(stream(streamFrames({ text: ['Hel', 'lo'], usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } })));
      const client = new OpenAI({ apiKey: key, baseURL: gw.baseURL, maxRetries: 0 });
      let cost: number | undefined;
      for await (const c of await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) {
        if ((c as any).usage) cost = (c as any).usage.cost;
      }
      await settle();
      const want = 100 * PRICE.prompt + 50 * PRICE.completion;
      assert.ok(Math.abs(cost! - want) < 1e-12);
      const k = (await (await api(`/keys/${data.hash}`)).json()) as any;
      assert.ok(Math.abs(k.data.usage - want) < 1e-12, `charged ${k.data.usage}, client saw ${cost}`);
      const [ev] = await services.get(gw.gateway.config)!.usage.events(data.hash);
      assert.equal((await generation(ev!.generationId)).total_cost, ev!.cost, 'the generation record agrees');
    });

    it('charges a cancelled stream with an estimate, flagged; a failed request costs nothing', async () => {
      const { key, data } = await createKey({ name: 'canceller' });
      fake.enqueue(stream(streamFrames({ text: ['x'.repeat(400), 'y'.repeat(400), 'z'], usage: null }), { delayMs: 150 }));
      const res = await chat(key, { stream: true });
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.ok(!first.done);
      await reader.cancel();
      await sleep(400);
      await settle();
      const svc = services.get(gw.gateway.config)!;
      const events = await svc.usage.events(data.hash);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.outcome, 'cancelled');
      assert.equal(events[0]!.estimated, true);
      assert.ok(events[0]!.completionTokens >= 100 && events[0]!.promptTokens > 0, JSON.stringify(events[0]));
      assert.ok(events[0]!.cost > 0);
      const k = (await (await api(`/keys/${data.hash}`)).json()) as any;
      assert.ok(Math.abs(k.data.usage - events[0]!.cost) < 1e-12);
      const gen = await generation(res.headers.get('x-generation-id')!);
      assert.equal(gen.cancelled, true);
      assert.ok(Math.abs(gen.total_cost - events[0]!.cost) < 1e-12, `generation record says ${gen.total_cost}, the key was charged ${events[0]!.cost}`);

      fake.enqueue({ kind: 'json', status: 400, body: { error: { message: 'bad thing', type: 'invalid_request_error', param: null, code: null } } });
      const failed = await chat(key);
      assert.equal(failed.status, 400);
      await settle();
      const after = await svc.usage.events(data.hash);
      assert.equal(after.length, 2);
      assert.deepEqual([after[1]!.outcome, after[1]!.cost, after[1]!.estimated], ['error', 0, false]);
    });

    it('charges a non-streamed request the client abandoned with a prompt estimate, flagged', async () => {
      const { key, data } = await createKey({ name: 'quitter' });
      fake.enqueue({ kind: 'delay', ms: 400, then: completion({ content: 'too late' }) });
      const ac = new AbortController();
      const pending = api('/chat/completions', { key, method: 'POST', signal: ac.signal, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'a long question '.repeat(20) }] }) });
      await sleep(100);
      ac.abort();
      await assert.rejects(pending);
      let events: Awaited<ReturnType<NonNullable<ReturnType<typeof services.get>>['usage']['events']>> = [];
      for (let i = 0; i < 50 && events.length === 0; i++) {
        await sleep(20);
        await settle();
        events = await services.get(gw.gateway.config)!.usage.events(data.hash);
      }
      assert.equal(events.length, 1);
      assert.deepEqual([events[0]!.outcome, events[0]!.estimated, events[0]!.completionTokens], ['cancelled', true, 0]);
      assert.ok(events[0]!.promptTokens >= 80, `estimated ${events[0]!.promptTokens} prompt tokens`);
      assert.equal((await generation(events[0]!.generationId)).total_cost, events[0]!.cost, 'the generation record agrees');
    });

    it('a gateway without a master key closes once a key exists', async () => {
      const s = await backend.storage();
      const open = await startGateway(openaiConfig(fake.url, s.doc));
      try {
        const anon = () => fetch(`${open.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
        assert.equal((await anon()).status, 200, 'open: no keys at all');
        const res = await fetch(`${open.baseURL}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'first' }) });
        assert.equal(res.status, 201);
        const { key } = (await res.json()) as { key: string };
        assert.equal((await anon()).status, 401, 'a key exists now');
        const ok = await fetch(`${open.baseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
        assert.equal(ok.status, 200);
      } finally {
        await open.close();
        await s.drop();
      }
    });
  });
}
