import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from './catalog.js';
import type { EndpointHealth } from './health.js';
import { rankCandidates, type Ranked } from './balance.js';

const healthy: EndpointHealth = { state: 'closed', consecutiveFailures: 0, latencyMs: undefined, throughput: undefined, pausedUntil: undefined };

function item(name: string, price: number, h: Partial<EndpointHealth> = {}, weight?: number): Ranked {
  const candidate = {
    provider: { name },
    endpoint: { provider: name, model: `${name}-m`, pricing: { prompt: String(price), completion: '0' }, supported_parameters: [], ...(weight !== undefined ? { weight } : {}) },
  } as unknown as Candidate;
  return { candidate, health: { ...healthy, ...h }, probe: false };
}
const names = (r: Ranked[]) => r.map((x) => x.candidate.provider.name);

describe('rankCandidates', () => {
  const a = item('a', 1), b = item('b', 2), c = item('c', 4);

  it('first pick weighted by 1/price², the rest cheapest first', () => {
    // weights 1, 0.25, 0.0625 of 1.3125: [0, .762) → a, [.762, .952) → b, else c
    assert.deepEqual(names(rankCandidates([a, b, c], { sort: undefined, order: undefined, random: () => 0.1 })), ['a', 'b', 'c']);
    assert.deepEqual(names(rankCandidates([a, b, c], { sort: undefined, order: undefined, random: () => 0.8 })), ['b', 'a', 'c']);
    assert.deepEqual(names(rankCandidates([a, b, c], { sort: undefined, order: undefined, random: () => 0.99 })), ['c', 'a', 'b']);
  });

  it('the configured weight multiplies the price weight', () => {
    const heavy = item('b', 2, {}, 8); // 8 × 0.25 = 2 vs a's 1
    assert.deepEqual(names(rankCandidates([a, heavy], { sort: undefined, order: undefined, random: () => 0.5 })), ['b', 'a']);
  });

  it('free endpoints weigh most; all free is uniform', () => {
    const free = item('free', 0);
    assert.deepEqual(names(rankCandidates([a, free], { sort: undefined, order: undefined, random: () => 0.9 })), ['free', 'a']);
    const f1 = item('f1', 0), f2 = item('f2', 0);
    assert.deepEqual(names(rankCandidates([f1, f2], { sort: undefined, order: undefined, random: () => 0.6 })), ['f2', 'f1']);
  });

  it('unavailable endpoints go last; a claimed probe goes first', () => {
    const open = item('a', 1, { state: 'open' });
    const paused = item('b', 2, { pausedUntil: 99 });
    assert.deepEqual(names(rankCandidates([open, paused, c], { sort: undefined, order: undefined, random: () => 0 })), ['c', 'a', 'b']);
    const probe = { ...item('c', 4, { state: 'half_open' }), probe: true };
    assert.deepEqual(names(rankCandidates([a, b, probe], { sort: 'price', order: undefined })), ['c', 'a', 'b']);
  });

  it('sort by throughput / latency, unmeasured after measured', () => {
    const fast = item('fast', 4, { throughput: 100, latencyMs: 900 });
    const slow = item('slow', 1, { throughput: 10, latencyMs: 100 });
    const unknown = item('unknown', 0.5);
    assert.deepEqual(names(rankCandidates([slow, unknown, fast], { sort: 'throughput', order: undefined })), ['fast', 'slow', 'unknown']);
    assert.deepEqual(names(rankCandidates([fast, unknown, slow], { sort: 'latency', order: undefined })), ['slow', 'fast', 'unknown']);
  });

  it('order moves named endpoints to the front in its order', () => {
    assert.deepEqual(names(rankCandidates([a, b, c], { sort: 'price', order: ['c', 'b/b-m'] })), ['c', 'b', 'a']);
  });
});

describe('soft performance cutoffs', () => {
  it('measured misses of preferred_min_throughput / preferred_max_latency go after the others', () => {
    const cheapSlow = item('cheapslow', 1, { throughput: 5, latencyMs: 3000 });
    const dearFast = item('dearfast', 4, { throughput: 80, latencyMs: 200 });
    const unmeasured = item('new', 2);
    assert.deepEqual(names(rankCandidates([cheapSlow, dearFast, unmeasured], { sort: 'price', order: undefined, minThroughput: 20 })), ['new', 'dearfast', 'cheapslow']);
    assert.deepEqual(names(rankCandidates([cheapSlow, dearFast], { sort: 'price', order: undefined, maxLatencyMs: 1000 })), ['dearfast', 'cheapslow']);
    assert.deepEqual(names(rankCandidates([cheapSlow, dearFast], { sort: 'price', order: undefined, maxLatencyMs: 100 })), ['cheapslow', 'dearfast'], 'all miss: unchanged');
  });
});
