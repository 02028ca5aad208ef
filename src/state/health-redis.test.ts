/** Endpoint health shared by replicas through Redis: breakers, pauses, probes, late joiners. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { REDIS_URL, redisAvailable, redisPrefix, SERVICES_HINT } from '../../test/helpers/services.js';
import { RedisHealth } from './health-redis.js';

const up = await redisAvailable();
const until = async (cond: () => boolean, ms = 1000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
};

describe('RedisHealth', { skip: up ? false : `${SERVICES_HINT} (looked for ${REDIS_URL})` }, () => {
  const opened: RedisHealth[] = [];
  const prefix = redisPrefix();
  const open = async () => {
    const h = await RedisHealth.open(REDIS_URL, prefix, { failureThreshold: 3, cooldownMs: 1000 });
    opened.push(h);
    return h;
  };
  after(async () => {
    for (const h of opened) await h.close();
  });

  it('failures seen by one replica open the breaker on the other; a pause and latency travel too', async () => {
    const [a, b] = [await open(), await open()];
    const t = Date.now();
    a.record('p/m', { ok: false, at: t });
    b.record('p/m', { ok: false, at: t });
    a.record('p/m', { ok: false, at: t });
    assert.ok(await until(() => b.snapshot(['p/m'], Date.now())[0]!.state === 'open'), 'b sees the breaker open');
    assert.equal(a.snapshot(['p/m'], Date.now())[0]!.state, 'open');
    a.record('p/x', { ok: true, at: t, latencyMs: 120, retryAfterMs: 5000 });
    assert.ok(await until(() => b.snapshot(['p/x'], Date.now())[0]!.latencyMs === 120));
    assert.ok(b.snapshot(['p/x'], Date.now())[0]!.pausedUntil! >= t + 5000);
  });

  it('one probe per cool-down across replicas; a replica started later catches up from recent events', async () => {
    const [a, b] = [opened[0]!, opened[1]!];
    await new Promise((r) => setTimeout(r, 1050)); // p/m: open → half-open
    const now = Date.now();
    assert.equal(a.snapshot(['p/m'], now)[0]!.state, 'half_open');
    assert.equal(a.claimProbe('p/m', now), true);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(b.claimProbe('p/m', Date.now()), false, 'the probe is taken');
    const c = await open();
    assert.equal(c.snapshot(['p/x'], Date.now())[0]!.latencyMs, 120);
    assert.equal(c.snapshot(['p/m'], Date.now())[0]!.consecutiveFailures, 3);
  });
});
