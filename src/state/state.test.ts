/** The same contract against the in-process state and Redis (when scripts/services.sh runs it). */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { REDIS_URL, redisAvailable, redisPrefix, SERVICES_HINT } from '../../test/helpers/services.js';
import { stateConfig } from './index.js';
import { MemoryState } from './memory.js';
import { RedisState } from './redis.js';
import type { RateDecision, SharedState } from './types.js';

const redisUp = await redisAvailable();
const backends: { name: string; skip: string | false; open: () => Promise<SharedState> }[] = [
  { name: 'memory', skip: false, open: async () => new MemoryState() },
  { name: 'redis', skip: redisUp ? false : `${SERVICES_HINT} (looked for ${REDIS_URL})`, open: () => RedisState.open({ url: REDIS_URL, prefix: redisPrefix() }) },
];

for (const b of backends) {
  describe(`SharedState: ${b.name}`, { skip: b.skip }, () => {
    const opened: SharedState[] = [];
    const open = async () => {
      const s = await b.open();
      opened.push(s);
      return s;
    };
    after(async () => {
      for (const s of opened) await s.close();
    });

    it('rate limit: admits `limit` requests per window, then refuses with retry-after until the oldest leaves', async () => {
      const s = await open();
      const key = randomUUID();
      const got: RateDecision[] = [];
      for (let i = 0; i < 4; i++) got.push(await s.hit(key, 3, 1000, randomUUID()));
      assert.deepEqual(got.map((g) => g.ok), [true, true, true, false]);
      assert.deepEqual(got.map((g) => g.remaining), [2, 1, 0, 0]);
      assert.ok(got[3]!.retryAfterMs > 0 && got[3]!.retryAfterMs <= 1000, `retry after ${got[3]!.retryAfterMs}`);
      await new Promise((r) => setTimeout(r, got[3]!.retryAfterMs + 20));
      assert.equal((await s.hit(key, 3, 1000, randomUUID())).ok, true, 'a slot freed');
    });

    it('rate limit is atomic under concurrency: exactly `limit` of 50 parallel hits pass', async () => {
      const s = await open();
      const key = randomUUID();
      const res = await Promise.all(Array.from({ length: 50 }, () => s.hit(key, 7, 10_000, randomUUID())));
      assert.equal(res.filter((r) => r.ok).length, 7);
    });

    it('token window sums what was recorded and forgets it after the window', async () => {
      const s = await open();
      const key = randomUUID();
      await s.addTokens(key, 120, 1000, 'g1');
      await s.addTokens(key, 30, 1000, 'g2');
      const w = await s.tokens(key, 1000);
      assert.equal(w.used, 150);
      assert.ok(w.oldestExpiresInMs > 0 && w.oldestExpiresInMs <= 1000);
      await new Promise((r) => setTimeout(r, 1030));
      assert.equal((await s.tokens(key, 1000)).used, 0);
    });

    it('credit holds: admitted while spent + held < limit; settle replaces the hold by the real cost', async () => {
      const s = await open();
      const key = randomUUID();
      const r = (id: string, amount: number, baseline = 0) => s.reserve(key, { limit: 1, baseline, amount, holdId: id, ttlMs: 60_000 });
      assert.deepEqual(await r('a', 0.4), { ok: true, spent: 0, held: 0.4 });
      assert.deepEqual(await r('b', 0.4), { ok: true, spent: 0, held: 0.8 });
      assert.equal((await r('c', 0.4)).ok, true, 'spent + held (0.8) < 1: admitted, overshoot bounded by one request');
      assert.equal((await r('d', 0.4)).ok, false, '1.2 held ≥ limit');
      await s.settle(key, 'a', 0.1);
      await s.settle(key, 'b', 0.1);
      await s.settle(key, 'c', 0.1);
      const d = await r('e', 0.4);
      assert.equal(d.ok, true);
      assert.ok(Math.abs(d.spent - 0.3) < 1e-12, `spent ${d.spent}`);
      assert.equal((await r('f', 0.1, 5)).ok, false, 'a larger durable baseline wins');
    });

    it('credit holds are atomic: with a limit of 8 requests worth, 40 parallel reservations admit 8', async () => {
      const s = await open();
      const key = randomUUID();
      const res = await Promise.all(Array.from({ length: 40 }, (_, i) => s.reserve(key, { limit: 1, baseline: 0, amount: 0.125, holdId: `h${i}`, ttlMs: 60_000 })));
      assert.equal(res.filter((x) => x.ok).length, 8);
    });

    it('admit: rate, then tokens, then credit, in one step, stopping at the first refusal', async () => {
      const s = await open();
      const key = randomUUID();
      const req = (id: string, amount = 0.6) => ({ id, rate: { limit: 3, windowMs: 10_000 }, tokens: { limit: 50, windowMs: 10_000 }, credit: { limit: 1, baseline: 0, amount, ttlMs: 60_000 } });
      const a = await s.admit(key, req('a'));
      assert.ok(a.ok && a.rate!.remaining === 2 && Math.abs(a.credit!.held - 0.6) < 1e-12, JSON.stringify(a));
      const b = await s.admit(key, req('b'));
      assert.ok(b.ok && Math.abs(b.credit!.held - 1.2) < 1e-12, 'spent + held (0.6) < 1: admitted');
      const c = await s.admit(key, req('c'));
      assert.ok(!c.ok && c.refusedBy === 'credit' && Math.abs(c.credit.held - 1.2) < 1e-12, JSON.stringify(c));
      const d = await s.admit(key, req('d'));
      assert.ok(!d.ok && d.refusedBy === 'rate' && d.rate.retryAfterMs > 0, 'the 4th request is over the rate (3 counted, the refused one too)');
      await s.settle(key, 'a', 0.1);
      await s.addTokens(key, 50, 10_000, 'a');
      const k2 = randomUUID();
      await s.addTokens(k2, 60, 10_000, 'x');
      const e = await s.admit(k2, { id: 'e', tokens: { limit: 50, windowMs: 10_000 } });
      assert.ok(!e.ok && e.refusedBy === 'tokens' && e.tokens.used === 60, JSON.stringify(e));
      const f = await s.admit(randomUUID(), { id: 'f' });
      assert.deepEqual(f, { ok: true, rate: undefined, credit: undefined });
    });

    it('an unsettled hold (crashed replica) expires', async () => {
      const s = await open();
      const key = randomUUID();
      assert.equal((await s.reserve(key, { limit: 1, baseline: 0, amount: 5, holdId: 'x', ttlMs: 600 })).ok, true);
      assert.equal((await s.reserve(key, { limit: 1, baseline: 0, amount: 5, holdId: 'y', ttlMs: 600 })).ok, false);
      await new Promise((r) => setTimeout(r, 630));
      assert.equal((await s.reserve(key, { limit: 1, baseline: 0, amount: 0.1, holdId: 'z', ttlMs: 600 })).ok, true);
    });
  });
}

describe('state config', () => {
  const cfg = (state: unknown) => parseConfig(state === undefined ? {} : { state }, 't', {}).config;
  it('defaults to memory; redis by type or URL; clear errors otherwise', () => {
    assert.equal(stateConfig(cfg(undefined)).type, 'memory');
    assert.deepEqual(stateConfig(cfg({ type: 'redis', url: 'redis://h:1' })), { type: 'redis', url: 'redis://h:1', prefix: 'switchyard:' });
    assert.equal(stateConfig(cfg({ url: 'redis://h:1', prefix: 'a:' })).prefix, 'a:');
    assert.throws(() => stateConfig(cfg({ type: 'redis' })), /state\.url: required/);
    assert.throws(() => stateConfig(cfg({ type: 'etcd' })), /unknown type "etcd"/);
  });
  it('a Redis that does not answer fails at open with the redacted URL', async () => {
    await assert.rejects(RedisState.open({ url: 'redis://:pw@127.0.0.1:1' }), (e: Error) => /cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/.test(e.message));
  });
});
