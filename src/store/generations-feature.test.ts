import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { generationOptions } from './generations-feature.js';

const cfg = (generations: unknown) => parseConfig({ generations }, 't', {}).config;

describe('generations: config', () => {
  it('defaults, overrides, disabled', () => {
    assert.deepEqual(generationOptions(cfg(undefined)), { flushMs: 1000, batchSize: 1000, maxBuffered: 50_000, retentionMs: undefined });
    assert.equal(generationOptions(cfg({ flush_ms: 50, retention_days: 2 }))!.flushMs, 50);
    assert.equal(generationOptions(cfg({ retention_days: 2 }))!.retentionMs, 2 * 86_400_000);
    assert.equal(generationOptions(cfg({ enabled: false })), undefined);
  });

  it('bad values name the key', () => {
    assert.throws(() => generationOptions(cfg({ flush_ms: 0 })), /generations\.flush_ms: must be a positive integer/);
    assert.throws(() => generationOptions(cfg({ retention_days: 'forever' })), /generations\.retention_days/);
    assert.throws(() => generationOptions(cfg({ enabled: 'yes' })), /generations\.enabled/);
    assert.throws(() => generationOptions(cfg([1])), /generations: must be a mapping/);
  });
});
