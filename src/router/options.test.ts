import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROUTING, routingOptions } from './options.js';

describe('routing: config', () => {
  it('defaults and overrides', () => {
    assert.deepEqual(routingOptions(undefined), DEFAULT_ROUTING);
    const o = routingOptions({ deadline_ms: 100, max_retry_rounds: 0, health: { failure_threshold: 5, cooldown_ms: 10 } });
    assert.equal(o.deadlineMs, 100);
    assert.equal(o.maxRetryRounds, 0);
    assert.equal(o.health.failureThreshold, 5);
    assert.equal(o.health.cooldownMs, 10);
    assert.equal(o.maxRetryWaitMs, DEFAULT_ROUTING.maxRetryWaitMs);
  });

  it('bad values name the key', () => {
    assert.throws(() => routingOptions({ deadline_ms: 'soon' }), /routing\.deadline_ms/);
    assert.throws(() => routingOptions({ health: { failure_threshold: 0 } }), /routing\.health\.failure_threshold/);
    assert.throws(() => routingOptions({ health: 3 }), /routing\.health: must be a mapping/);
    assert.throws(() => routingOptions([]), /routing: must be a mapping/);
  });
});
