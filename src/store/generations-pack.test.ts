import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generationsViewSql, PackedBatch, packBatch, RECORD_FIELDS } from './generations-pack.js';
import type { GenerationRecord } from './generations-record.js';
import { openSqlite } from './sqlite.js';

function rec(i: number, over: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    id: `gen-1733300000-${String(i).padStart(20, '0')}`, created_at: 1_733_300_000_000 + i, key_hash: 'k1', key_kind: 'key', model: 'openai/gpt-4o', requested_model: 'openai/gpt-4o',
    provider: 'openai', upstream_model: 'gpt-4o', upstream_id: `chatcmpl-${i}`, status: 200, error: null, streamed: i % 2 === 0, cancelled: false,
    finish_reason: 'tool_calls', native_finish_reason: 'tool_calls', tokens_prompt: 500, tokens_completion: 20 + (i % 3), tokens_reasoning: 0, tokens_cached: 0,
    cost: 0.000125, latency_ms: 3 + (i % 5), ttft_ms: i % 7 === 0 ? null : 2, tokens_per_second: null,
    attempts: [{ provider: 'openai', model: 'openai/gpt-4o', upstream_model: 'gpt-4o', status: 200, error: null, latency_ms: 2 + (i % 5) }], ...over,
  };
}

const roundTrip = (records: GenerationRecord[]) => {
  const b = new PackedBatch(packBatch(records).records);
  return Array.from({ length: b.length }, (_, i) => b.record(i));
};

describe('packBatch / PackedBatch', () => {
  it('every field of every record reads back as packed, whatever encoding each field got', () => {
    const records = Array.from({ length: 300 }, (_, i) => rec(i));
    records[5] = rec(5, { error: 'upstream said "no" \\ \n ü 🚀', status: 502, cancelled: true, provider: null, upstream_model: null, upstream_id: null, tokens_per_second: 12.25 });
    records[6] = rec(6, { attempts: [], model: 'anthropic/claude', key_hash: 'k2' });
    records[7] = rec(7, { attempts: [...rec(0).attempts, { provider: 'b', model: 'b/m', upstream_model: 'm', status: 429, error: 'slow down', latency_ms: 1 }] });
    assert.deepEqual(roundTrip(records), records);
    assert.deepEqual(roundTrip([rec(1)]), [rec(1)], 'a batch of one');
  });

  it('a field is a value when every record has it, a dictionary for a few distinct values, an array beyond 64; ids always an array', () => {
    const records = Array.from({ length: 200 }, (_, i) => rec(i));
    const row = packBatch(records);
    const o = JSON.parse(row.records) as Record<string, unknown>;
    assert.equal(o.v, 1);
    assert.deepEqual(o.id, records.map((r) => r.id));
    assert.equal(o.model, 'openai/gpt-4o');
    assert.equal(o.error, undefined, 'null for every record: left out');
    assert.deepEqual(o.tokens_completion, { d: [20, 21, 22], i: records.map((r) => r.tokens_completion - 20) });
    assert.deepEqual(o.created_at, records.map((r) => r.created_at), '200 distinct values');
    assert.deepEqual(Object.keys(o).filter((k) => k !== 'v').every((k) => RECORD_FIELDS.some(([f]) => f === k)), true);
    assert.ok(row.records.length / records.length < 120, `${row.records.length / records.length} bytes per record`);
    assert.deepEqual(new PackedBatch(packBatch([rec(0)]).records).ids, [rec(0).id], 'one record: ids still an array');
  });

  it('the row columns: first id, created_at bounds, size, distinct models and key hashes', () => {
    const records = [rec(3, { created_at: 50 }), rec(1, { created_at: 10, model: 'b/x', key_hash: 'k9' }), rec(2, { created_at: 99, model: 'b/x' })];
    const row = packBatch(records);
    assert.deepEqual(
      { ...row, records: undefined },
      { id: records[0]!.id, first_at: 10, last_at: 99, n: 3, models: '["openai/gpt-4o","b/x"]', key_hashes: '["k1","k9"]', records: undefined },
    );
    const many = Array.from({ length: 100 }, (_, i) => rec(i, { model: `m/${i}` }));
    assert.deepEqual(JSON.parse(packBatch(many).models), many.map((r) => r.model), 'distinct models of an array field');
  });

  it('values JSON has no form for are stored as null; an empty batch or an unknown format is refused', () => {
    const [back] = roundTrip([rec(0, { cost: Number.NaN, tokens_per_second: Number.POSITIVE_INFINITY })]);
    assert.equal(back!.cost, null);
    assert.equal(back!.tokens_per_second, null);
    assert.throws(() => packBatch([]), /no records/);
    assert.throws(() => new PackedBatch('{"v":2,"id":[]}'), /unknown format \(v 2\)/);
    assert.throws(() => new PackedBatch('[]'), /unknown format/);
  });

  it('the SQLite view shows one row per record with the v2 columns and values', async () => {
    const db = openSqlite(':memory:');
    await db.exec('CREATE TABLE generation_batches (id TEXT PRIMARY KEY, first_at BIGINT NOT NULL, last_at BIGINT NOT NULL, n INTEGER NOT NULL, models TEXT NOT NULL, key_hashes TEXT NOT NULL, records TEXT NOT NULL)');
    await db.exec(generationsViewSql('sqlite'));
    const records = Array.from({ length: 150 }, (_, i) => rec(i, i === 9 ? { error: 'x', status: 500, cancelled: true } : {}));
    for (const part of [records.slice(0, 100), records.slice(100)]) {
      const p = packBatch(part);
      await db.exec('INSERT INTO generation_batches VALUES (?, ?, ?, ?, ?, ?, ?)', [p.id, p.first_at, p.last_at, p.n, p.models, p.key_hashes, p.records]);
    }
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM generations ORDER BY created_at');
    const v2 = (g: GenerationRecord) => ({ ...g, streamed: g.streamed ? 1 : 0, cancelled: g.cancelled ? 1 : 0, attempts: JSON.stringify(g.attempts) });
    assert.deepEqual(rows, records.map(v2));
    assert.deepEqual(Object.keys(rows[0]!), RECORD_FIELDS.map(([f]) => f));
    assert.equal((await db.get<{ c: number }>("SELECT COUNT(*) AS c FROM generations WHERE tokens_completion = 21 AND status = 200"))!.c, records.filter((r) => r.tokens_completion === 21).length);
    await db.close();
  });
});
