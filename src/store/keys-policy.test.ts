import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKey, keyIdOf, verifyKey, hashKey } from './keys-crypto.js';
import { formatRate, modelAllowed, parseDuration, parseExpires, parseModels, parseRate, parseUsd } from './keys-policy.js';

describe('key material', () => {
  it('generates sk-sy-v1-<id><secret> keys whose id is recoverable and whose hash is salted', () => {
    const a = generateKey();
    const b = generateKey();
    assert.match(a.token, /^sk-sy-v1-[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.equal(keyIdOf(a.token), a.id);
    assert.equal(a.label, `sk-sy-v1-${a.id}...`);
    assert.ok(!a.label.includes(a.token.slice(21)), 'the label holds none of the secret');
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.salt, b.salt);
    assert.notEqual(hashKey(a.token, b.salt), a.hash, 'the hash depends on the salt');
    assert.ok(!a.hash.includes(a.token) && !a.salt.includes(a.id));
  });
  it('verifies the right key only, and ignores malformed tokens', () => {
    const k = generateKey();
    assert.equal(verifyKey(k.token, k.salt, k.hash), true);
    const flipped = k.token.slice(0, -1) + (k.token.endsWith('A') ? 'B' : 'A');
    assert.equal(verifyKey(flipped, k.salt, k.hash), false);
    // an id in upper case is malformed; `A` + the rest, since a random id may have no letter to raise (all digits: ~0.4 % of keys)
    for (const bad of ['', 'sk-sy-v1-', k.token + 'x', k.token.slice(0, -1), 'sk-or-v1-' + k.token.slice(9), k.token.replace(k.id, `A${k.id.slice(1)}`)]) {
      assert.equal(keyIdOf(bad), undefined, bad);
    }
  });
});

describe('key policy parsing', () => {
  it('rates', () => {
    assert.deepEqual(parseRate('60/m'), { requests: 60, intervalMs: 60_000 });
    assert.deepEqual(parseRate('1000/1h'), { requests: 1000, intervalMs: 3_600_000 });
    assert.deepEqual(parseRate('5 / 10s'), { requests: 5, intervalMs: 10_000 });
    assert.deepEqual(parseRate('2/minute'), { requests: 2, intervalMs: 60_000 });
    assert.equal(formatRate(parseRate('60/m')), '60/1m');
    assert.equal(formatRate(parseRate('5/10s')), '5/10s');
    assert.throws(() => parseRate('fast'), /rate: "fast" is not a rate/);
    assert.throws(() => parseRate('0/m'), /at least 1/);
    assert.throws(() => parseRate('5/fortnight'), /not a duration/);
  });
  it('durations and expiry', () => {
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseExpires('30d', 1000), 1000 + 30 * 86_400_000);
    assert.equal(parseExpires('2026-12-31T00:00:00Z'), Date.UTC(2026, 11, 31));
    assert.throws(() => parseExpires('soonish'), /neither an ISO-8601 time/);
  });
  it('amounts and model patterns', () => {
    assert.equal(parseUsd('5'), 5);
    assert.equal(parseUsd('$0.25'), 0.25);
    assert.throws(() => parseUsd('-1'), /not a non-negative USD amount/);
    assert.throws(() => parseUsd('lots'), /limit: "lots"/);
    const p = parseModels('openai/*, anthropic/claude-3-haiku ,');
    assert.deepEqual(p, ['openai/*', 'anthropic/claude-3-haiku']);
    assert.equal(modelAllowed(p, 'openai/gpt-4o-mini'), true);
    assert.equal(modelAllowed(p, 'openai/gpt-4o-mini:free'), true);
    assert.equal(modelAllowed(p, 'anthropic/claude-3-haiku'), true);
    assert.equal(modelAllowed(p, 'anthropic/claude-3-opus'), false);
    assert.equal(modelAllowed(['a.b'], 'axb'), false, 'dots are literal');
    assert.equal(modelAllowed(undefined, 'anything'), true);
    assert.throws(() => parseModels(' , '), /at least one/);
  });
});
