import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { parseConfig } from '../config/load.js';
import { Catalog } from '../router/catalog.js';
import type { ChatResult } from '../router/execute.js';
import type { CanonicalRequest } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import type { ChatRecord } from '../server/chat.js';
import { StreamRenderer } from '../server/render.js';
import { MemoryState } from '../state/memory.js';
import type { SharedState } from '../state/types.js';
import { KEY_MIGRATIONS, KeyStore } from './keys.js';
import { KeyService } from './keys-service.js';
import { migrate } from './migrations.js';
import { openSqlite } from './sqlite.js';
import { costOf, DEFAULT_HOLD_COMPLETION_TOKENS, estimateTokens, worstCaseCost } from './usage-cost.js';
import { periodStarts, USAGE_MIGRATIONS, UsageStore } from './usage.js';

const { config } = parseConfig(
  {
    providers: { a: { type: 'openai', base_url: 'http://127.0.0.1:1/v1' } },
    models: [
      { id: 'm/cheap', endpoints: [{ provider: 'a', model: 'x', pricing: { prompt: '0.000001', completion: '0.000002' } }] },
      { id: 'm/dear', endpoints: [{ provider: 'a', model: 'y', max_completion_tokens: 100, pricing: { prompt: '0.00001', completion: '0.00002', request: '0.01' } }] },
    ],
  },
  't',
  {},
);
const catalog = new Catalog(config);
const req = (over: Partial<CanonicalRequest> = {}): CanonicalRequest =>
  ({ body: { model: 'm/cheap', messages: [{ role: 'user', content: 'hello there' }] }, messages: [{ role: 'user', content: 'hello there' }], tools: undefined, toolChoice: undefined, parallelToolCalls: undefined, reasoning: undefined, maxTokens: undefined, stop: undefined, stream: false, ...over }) as CanonicalRequest;
const candidate = catalog.endpointsOf(catalog.model('m/cheap')!)[0]!;
const record = (result: ChatResult | undefined, over: Partial<ChatRecord> = {}): ChatRecord => ({
  generationId: 'gen-1', principal: { kind: 'anonymous', id: 'anonymous' }, request: req({ stream: true }), result, error: undefined, streamed: true, startedAt: 1, endedAt: 2, ...over,
});
const renderer = () => new StreamRenderer({ id: 'gen-1', created: 1, model: 'm/cheap', provider: 'a', pricing: candidate.endpoint.pricing, excludeReasoning: false }, () => undefined);

describe('cost of a finished request', () => {
  it('a stream with upstream usage is priced exactly; without usage it is estimated and flagged', () => {
    const s = renderer();
    s.event({ type: 'text', text: 'x'.repeat(40) });
    s.event({ type: 'usage', usage: { promptTokens: 10, completionTokens: 5 } });
    const exact = costOf(record({ attempts: [], served: candidate, stream: s, cancelled: false }));
    assert.deepEqual([exact.cost, exact.estimated, exact.outcome], [0.00002, false, 'ok']);
    const cut = renderer();
    cut.event({ type: 'text', text: 'x'.repeat(40) });
    const est = costOf(record({ attempts: [], served: candidate, stream: cut, cancelled: true }));
    assert.equal(est.estimated, true);
    assert.equal(est.outcome, 'cancelled');
    assert.equal(est.completionTokens, 10);
    assert.equal(est.promptTokens, estimateTokens(JSON.stringify(req().messages).length));
  });
  it('a cut-off tool-call (or reasoning) stream is estimated from what was generated, not just text', () => {
    const s = renderer();
    s.event({ type: 'reasoning', text: 'r'.repeat(20) });
    s.event({ type: 'tool_call_start', index: 0, id: 'c1', name: 'f' });
    s.event({ type: 'tool_call_delta', index: 0, arguments: '{"q":"' + 'a'.repeat(34) + '"}' });
    const est = costOf(record({ attempts: [], served: candidate, stream: s, cancelled: true }));
    assert.deepEqual([est.estimated, est.completionTokens], [true, Math.ceil((20 + 42) / 4)]);
  });
  it('nothing served, or refused before routing, costs nothing', () => {
    assert.equal(costOf(record(undefined, { error: new GatewayError(502, 'down') })).cost, 0);
    assert.equal(costOf(record({ attempts: [], served: candidate, cancelled: false }, { error: new GatewayError(502, 'down') })).cost, 0);
  });
});

describe('worst-case cost held before a request', () => {
  it('uses max_tokens, else the endpoint cap, else the default, at the dearest endpoint of the models', () => {
    const p = estimateTokens(JSON.stringify(req().messages).length) * 1.2 + 16;
    assert.equal(worstCaseCost(req({ maxTokens: 10 }), catalog, ['m/cheap']), p * 0.000001 + 10 * 0.000002);
    assert.equal(worstCaseCost(req(), catalog, ['m/cheap']), p * 0.000001 + DEFAULT_HOLD_COMPLETION_TOKENS * 0.000002);
    assert.equal(worstCaseCost(req(), catalog, ['m/cheap', 'm/dear']), p * 0.00001 + 100 * 0.00002 + 0.01);
    assert.equal(worstCaseCost(req(), catalog, ['unknown']), 0);
  });
});

describe('usage ledger', () => {
  it('periods are UTC day, ISO week (Monday) and month', () => {
    const t = Date.UTC(2026, 11, 3, 15, 30); // Thursday 3 December 2026
    assert.deepEqual(periodStarts(t), { day: Date.UTC(2026, 11, 3), week: Date.UTC(2026, 10, 30), month: Date.UTC(2026, 11, 1) });
  });
  it('charges are idempotent per generation and add up per key and period', async () => {
    const db = openSqlite(':memory:');
    await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]);
    const keys = new KeyStore(db);
    const usage = new UsageStore(db);
    const { key } = await keys.create('k');
    const now = Date.now();
    const c = (id: string, cost: number, at = now) => ({ generationId: id, keyId: key.id, principal: key.id, model: 'm', provider: 'a', promptTokens: 1, completionTokens: 1, cost, estimated: false, outcome: 'ok' as const, at });
    assert.equal(await usage.chargeMany([c('g1', 0.5), c('g2', 0.25), c('old', 1, now - 40 * 86_400_000)]), 3);
    assert.equal(await usage.charge(c('g1', 0.5)), false, 'the same generation is not charged twice');
    assert.equal((await keys.byId(key.id))!.usage, 1.75);
    const w = await usage.windows(key.id, now);
    assert.deepEqual(w, { daily: 0.75, weekly: 0.75, monthly: 0.75 });
    await db.close();
  });
});

describe('KeyService key cache', () => {
  it('concurrent requests with one key share one store lookup', async () => {
    const db = openSqlite(':memory:');
    await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]);
    const keys = new KeyStore(db);
    const { token } = await keys.create('hot');
    let lookups = 0;
    const lookup = keys.credentials.bind(keys);
    keys.credentials = (id) => (lookups++, lookup(id));
    const svc = new KeyService(keys, new UsageStore(db), new MemoryState(), catalog, pino({ level: 'silent' }), { cacheMs: 10_000, holdTtlMs: 1000, touchEveryMs: 1e9, flushMs: 1 });
    const all = await Promise.all(Array.from({ length: 20 }, () => svc.resolve(token)));
    assert.ok(all.every((p) => p?.name === 'hot'));
    assert.equal(lookups, 1);
    await db.close();
  });
});

describe('KeyService when the shared state or the store is down', () => {
  it('refuses with 503 instead of letting a limited key through unchecked or failing with 500', async () => {
    const db = openSqlite(':memory:');
    await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]);
    const keys = new KeyStore(db);
    const broken: SharedState = Object.assign(new MemoryState(), { hit: async () => Promise.reject(new Error('ECONNREFUSED')) });
    const svc = new KeyService(keys, new UsageStore(db), broken, catalog, pino({ level: 'silent' }), { cacheMs: 0, holdTtlMs: 1000, touchEveryMs: 1e9, flushMs: 1 });
    const { token } = await keys.create('limited', { rate: { requests: 1, intervalMs: 1000 } });
    const p = (await svc.resolve(token))!;
    await assert.rejects(svc.before(p, req())!, (e: GatewayError) => e.status === 503 && /cannot be checked/.test(e.message) && e.headers?.['retry-after'] === '1');
    const { token: free } = await keys.create('unlimited');
    await svc.before((await svc.resolve(free))!, req()); // no limits: nothing to check
    await db.close();
    await assert.rejects(svc.resolve(free)!, (e: GatewayError) => e.status === 503 && /key store unavailable/.test(e.message), 'a store that is gone: 503, not 500');
  });
});
