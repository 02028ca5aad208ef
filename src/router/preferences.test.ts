import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRequest } from '../schema/canonical.js';
import { readPreferences } from './preferences.js';

const req = (provider: unknown) => ({ body: { model: 'm', messages: [], provider } }) as unknown as CanonicalRequest;

describe('readPreferences', () => {
  it('defaults', () => {
    assert.deepEqual(readPreferences(req(undefined)), {
      order: undefined, only: undefined, ignore: undefined, allowFallbacks: true, requireParameters: false,
      dataCollection: 'allow', zdr: false, quantizations: undefined, sort: undefined, maxPrice: undefined,
      preferredMinThroughput: undefined, preferredMaxLatencyMs: undefined,
    });
  });

  it('normalises slugs, sort forms, max_price strings, variants', () => {
    const p = readPreferences(req({ order: ['OpenAI'], sort: { by: 'latency', partition: 'none' }, max_price: { prompt: '1.5', completion: 2, audio: 9 } }));
    assert.deepEqual(p.order, ['openai']);
    assert.equal(p.sort, 'latency');
    assert.deepEqual(p.maxPrice, { prompt: 1.5, completion: 2 });
    assert.equal(readPreferences(req(undefined), 'a/b:nitro').sort, 'throughput');
    assert.equal(readPreferences(req(undefined), 'a/b:floor').sort, 'price');
    assert.equal(readPreferences(req({ sort: 'price' }), 'a/b:nitro').sort, 'price', 'explicit sort wins');
    assert.equal(readPreferences(req({ sort: 'exacto' })).sort, undefined);
    assert.equal(readPreferences(req({ sort: { partition: 'model' } })).sort, undefined);
    const cut = readPreferences(req({ preferred_min_throughput: { p90: 50 }, preferred_max_latency: 1.5 }));
    assert.equal(cut.preferredMinThroughput, 50);
    assert.equal(cut.preferredMaxLatencyMs, 1500);
  });

  it('rejects bad values with the field in the message', () => {
    for (const [p, re] of [
      [{ sort: 'fast' }, /provider\.sort/],
      [{ only: 'x' }, /provider\.only/],
      [{ zdr: 'yes' }, /provider\.zdr/],
      [{ max_price: { prompt: -1 } }, /provider\.max_price\.prompt/],
      [{ max_price: 3 }, /provider\.max_price/],
      [[], /provider: must be an object/],
      [{ preferred_max_latency: 'soon' }, /provider\.preferred_max_latency/],
    ] as const) {
      assert.throws(() => readPreferences(req(p)), (e: Error & { status?: number }) => e.status === 400 && re.test(e.message));
    }
  });
});
