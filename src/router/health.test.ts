import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryHealth } from './health.js';

describe('MemoryHealth', () => {
  it('opens after the threshold, half-opens after the cool-down with a single probe, closes on success', () => {
    const h = new MemoryHealth({ failureThreshold: 3, cooldownMs: 1000 });
    const k = 'p/m';
    h.record(k, { ok: false, at: 0 });
    h.record(k, { ok: false, at: 1 });
    assert.equal(h.snapshot([k], 2)[0]!.state, 'closed');
    h.record(k, { ok: false, at: 2 });
    assert.equal(h.snapshot([k], 3)[0]!.state, 'open');
    assert.equal(h.claimProbe(k, 500), false, 'no probe while open');
    assert.equal(h.snapshot([k], 1002)[0]!.state, 'half_open');
    assert.equal(h.claimProbe(k, 1002), true);
    assert.equal(h.claimProbe(k, 1003), false, 'one probe at a time');
    h.record(k, { ok: true, at: 1010, latencyMs: 100 });
    assert.deepEqual(h.snapshot([k], 1011)[0], { state: 'closed', consecutiveFailures: 0, latencyMs: 100, throughput: undefined, pausedUntil: undefined });
  });

  it('a failed probe reopens for a full cool-down', () => {
    const h = new MemoryHealth({ failureThreshold: 1, cooldownMs: 100 });
    h.record('k', { ok: false, at: 0 });
    assert.equal(h.claimProbe('k', 150), true);
    h.record('k', { ok: false, at: 160 });
    assert.equal(h.snapshot(['k'], 200)[0]!.state, 'open');
    assert.equal(h.snapshot(['k'], 261)[0]!.state, 'half_open');
  });

  it('EWMA of latency and throughput; retry-after pauses', () => {
    const h = new MemoryHealth({ alpha: 0.5 });
    h.record('k', { ok: true, at: 0, latencyMs: 100, throughput: 10 });
    h.record('k', { ok: true, at: 1, latencyMs: 200, throughput: 30 });
    const s = h.snapshot(['k'], 2)[0]!;
    assert.equal(s.latencyMs, 150);
    assert.equal(s.throughput, 20);
    h.record('k', { ok: false, at: 10, retryAfterMs: 500 });
    assert.equal(h.snapshot(['k'], 100)[0]!.pausedUntil, 510);
    assert.equal(h.snapshot(['k'], 511)[0]!.pausedUntil, undefined);
    assert.equal(h.snapshot(['unknown'], 0)[0]!.state, 'closed');
  });
});
