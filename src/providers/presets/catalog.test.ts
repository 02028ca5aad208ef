import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRESET_CATALOG, perMillion } from './catalog.js';
import { presets } from './hosts.js';

test('every preset has a catalog entry; ids unique; prices are USD-per-token decimal strings', () => {
  for (const p of presets) assert.ok(PRESET_CATALOG[p.type], `catalog entry for ${p.type}`);
  for (const [name, c] of Object.entries(PRESET_CATALOG)) {
    assert.equal(c.preset, name);
    const ids = c.models.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, `${name}: unique ids`);
    for (const m of c.models) {
      assert.ok(Number.isInteger(m.context_length) && m.context_length > 0, `${name}/${m.id} context_length`);
      for (const v of Object.values(m.pricing ?? {})) assert.match(v as string, /^\d+(\.\d+)?$/, `${name}/${m.id} price ${v}`);
    }
  }
  assert.equal(perMillion(0.59), '0.00000059');
  assert.equal(perMillion(15), '0.000015');
  assert.equal(perMillion(0.028), '0.000000028');
});
