import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Db } from './db.js';
import { attemptsJson, GENERATION_MIGRATIONS, GenerationLog } from './generations.js';
import { RECORD_FIELDS } from './generations-pack.js';
import type { GenerationAttempt, GenerationRecord } from './generations-record.js';
import { migrate } from './migrations.js';
import { openSqlite } from './sqlite.js';
import { openPostgres } from './postgres.js';
import { PG_URL, pgAvailable, SERVICES_HINT, tempPgDatabase } from '../../test/helpers/services.js';

function rec(id: string, over: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    id, created_at: 1_700_000_000_000, key_hash: 'k1', key_kind: 'master', model: 'a/m', requested_model: 'a/m', provider: 'p', upstream_model: 'um',
    upstream_id: null, status: 200, error: null, streamed: true, cancelled: false, finish_reason: 'stop', native_finish_reason: 'stop',
    tokens_prompt: 3, tokens_completion: 4, tokens_reasoning: 1, tokens_cached: 2, cost: 0.5, latency_ms: 10, ttft_ms: 5, tokens_per_second: 12.5,
    attempts: [{ provider: 'p', model: 'a/m', upstream_model: 'um', status: 200, error: null, latency_ms: 9 }], ...over,
  };
}

async function fresh() {
  const db = openSqlite(':memory:');
  await migrate(db, [GENERATION_MIGRATIONS]);
  return db;
}

const rows = async (db: Db) => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM generations'))!.n;

describe('GenerationLog', () => {
  it('buffers, serves buffered records, writes after flush_ms, round-trips every field', async () => {
    const db = await fresh();
    const log = new GenerationLog(db, { flushMs: 30, batchSize: 100 });
    log.add(rec('g1'));
    assert.equal(await rows(db), 0, 'not written on the request path');
    assert.deepEqual(await log.get('g1'), rec('g1'));
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await rows(db), 1);
    assert.deepEqual(await log.get('g1'), rec('g1'), 'same record read back from the table');
    await log.close();
    await db.close();
  });

  it('a full batch is written at once; close flushes the rest; a record added twice is listed once', async () => {
    const db = await fresh();
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 3 });
    for (const id of ['a', 'b', 'c']) log.add(rec(id));
    await log.flush();
    assert.equal(await rows(db), 3);
    assert.equal((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM generation_batches'))!.n, 1, 'one row for the batch');
    log.add(rec('d'));
    log.add(rec('a'));
    await log.close();
    assert.equal(await rows(db), 5, 'the view shows each write');
    const again = new GenerationLog(db);
    assert.deepEqual((await again.list()).map((g) => g.id).sort(), ['a', 'b', 'c', 'd']);
    await again.close();
    log.add(rec('late'));
    assert.equal(await log.get('late'), undefined, 'ignored after close');
    await db.close();
  });

  it('keeps records when a write fails and writes them on the next flush', async () => {
    const db = await fresh();
    let fail = true;
    const errors: unknown[] = [];
    const flaky: Db = { ...db, dialect: 'sqlite', transaction: (fn) => (fail ? Promise.reject(new Error('disk full')) : db.transaction(fn)), query: db.query.bind(db), get: db.get.bind(db), exec: db.exec.bind(db), script: db.script.bind(db), close: db.close.bind(db) };
    const log = new GenerationLog(flaky, { flushMs: 60_000, onError: (e) => errors.push(e) });
    log.add(rec('x'));
    await log.flush();
    assert.equal(errors.length, 1);
    assert.ok(await log.get('x'), 'still visible');
    fail = false;
    await log.flush();
    assert.equal(await rows(db), 1);
    await log.close();
    await db.close();
  });

  it('get serves a record while its batch is being written, from the table once committed, and from the buffer again if the write fails', async () => {
    for (const path of ['writeBatch', 'transaction'] as const) {
      const db = await fresh();
      let release!: (fail: boolean) => void;
      const gate = () => new Promise<boolean>((r) => (release = r));
      const held: Db = {
        ...db,
        dialect: 'sqlite',
        query: db.query.bind(db),
        get: db.get.bind(db),
        exec: db.exec.bind(db),
        script: db.script.bind(db),
        close: db.close.bind(db),
        transaction: async (fn) => {
          if (await gate()) throw new Error('disk full');
          return db.transaction(fn);
        },
        ...(path === 'writeBatch'
          ? {
              writeBatch: async (sql: string, rows: readonly (readonly unknown[])[]) => {
                if (await gate()) throw new Error('disk full');
                await db.transaction(async (tx) => {
                  for (const r of rows) await tx.exec(sql, r.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)) as never);
                });
              },
            }
          : {}),
      };
      const log = new GenerationLog(held, { flushMs: 60_000 });
      log.add(rec('w1'));
      const first = log.flush();
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(await log.get('w1'), rec('w1'), `${path}: served while in flight`);
      release(true); // this write fails: the record goes back to the buffer
      await first;
      assert.deepEqual(await log.get('w1'), rec('w1'), `${path}: served after a failed write`);
      const second = log.flush();
      await new Promise((r) => setImmediate(r));
      release(false);
      await second;
      assert.equal(await rows(db), 1);
      assert.deepEqual(await log.get('w1'), rec('w1'), `${path}: read back from the table`);
      await db.close();
    }
  });

  it('list filters by model and since, newest first', async () => {
    const db = await fresh();
    const log = new GenerationLog(db);
    log.add(rec('old', { created_at: 1000 }));
    log.add(rec('new', { created_at: 3000 }));
    log.add(rec('other', { created_at: 2000, model: 'b/m' }));
    assert.deepEqual((await log.list()).map((g) => g.id), ['new', 'other', 'old']);
    assert.deepEqual((await log.list({ model: 'a/m' })).map((g) => g.id), ['new', 'old']);
    assert.deepEqual((await log.list({ since: 1500 })).map((g) => g.id), ['new', 'other']);
    assert.deepEqual((await log.list({ limit: 1 })).map((g) => g.id), ['new']);
    assert.equal(await log.prune(2500), 2, 'retention deletes older records');
    assert.deepEqual((await log.list()).map((g) => g.id), ['new']);
    await log.close();
    await db.close();
  });

  it('drops the oldest records beyond maxBuffered and says how many', async () => {
    const db = await fresh();
    const drops: number[] = [];
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 1000, maxBuffered: 3, onError: (_e, n) => drops.push(n) });
    for (const id of ['a', 'b', 'c', 'd', 'e']) log.add(rec(id));
    assert.deepEqual(drops, [1, 1]);
    assert.equal(await log.get('a'), undefined);
    await log.close();
    assert.deepEqual((await db.query<{ id: string }>('SELECT id FROM generations ORDER BY id')).map((r) => r.id), ['c', 'd', 'e']);
    await db.close();
  });
});

/** A pseudo-random sequence, the same every run. */
const rng = (seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const genId = (t: number, i: number) => `gen-${Math.floor(t / 1000)}-${String(i).padStart(20, '0')}`;
/** Records added in end order: created_at is a start time, so batches overlap in time. */
const workload = (n: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = 1_733_300_000_000 + i * 7 - Math.floor(r() * 3000);
    return rec(genId(t, i), { created_at: t, model: ['a/m', 'b/m', 'c/m'][Math.floor(r() * 3)]!, key_hash: ['k1', 'k2'][Math.floor(r() * 2)]!, latency_ms: Math.floor(r() * 100) });
  });
};
const newest = (a: GenerationRecord, b: GenerationRecord) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1);

/** On an empty database: v1–v2 with 2500 rows, then v3; checks the move (both drivers). */
async function movesV2Rows(db: Db): Promise<void> {
  await migrate(db, [{ ...GENERATION_MIGRATIONS, migrations: GENERATION_MIGRATIONS.migrations.slice(0, 2) }]);
  const cols = RECORD_FIELDS.map(([f]) => f);
  const records = workload(2500, 1);
  records[3] = { ...records[3]!, error: 'it said "no"', status: 502, attempts: [] };
  await db.transaction(async (tx) => {
    for (const g of records)
      await tx.exec(`INSERT INTO generations (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => (c === 'attempts' ? JSON.stringify(g.attempts) : g[c])) as never);
  });
  const before = await db.query('SELECT * FROM generations ORDER BY id');
  assert.deepEqual(await migrate(db, [GENERATION_MIGRATIONS]), ['generations@3']);
  assert.deepEqual(await db.query<{ n: number }>('SELECT n FROM generation_batches ORDER BY first_at'), [{ n: 1000 }, { n: 1000 }, { n: 500 }]);
  assert.deepEqual(await db.query('SELECT * FROM generations ORDER BY id'), before, 'the view shows the rows the table had');
  const log = new GenerationLog(db);
  for (const g of [records[0]!, records[3]!, records[2499]!]) assert.deepEqual(await log.get(g.id), g);
  assert.deepEqual(await log.list({ limit: 10_000 }), [...records].sort(newest));
  assert.deepEqual((await log.list({ model: 'b/m', keyHash: 'k2', limit: 30 })), records.filter((g) => g.model === 'b/m' && g.key_hash === 'k2').sort(newest).slice(0, 30));
  const cut = records[1200]!.created_at;
  assert.equal(await log.prune(cut), records.filter((g) => g.created_at < cut).length);
  assert.deepEqual(await log.list({ limit: 10_000 }), records.filter((g) => g.created_at >= cut).sort(newest));
  assert.deepEqual(await migrate(db, [GENERATION_MIGRATIONS]), [], 'applied once');
  await log.close();
}

describe('GenerationLog: batch rows (schema v3)', () => {

  it('a v2 table with rows moves into batch rows; the view shows exactly the old rows; the log reads them', async () => {
    const db = openSqlite(':memory:');
    await movesV2Rows(db);
    assert.equal((await db.get<{ type: string }>("SELECT type FROM sqlite_master WHERE name = 'generations'"))!.type, 'view');
    await db.close();
  });

  it('list agrees with a sort of every record, for each filter and limit, across overlapping batches', async () => {
    const db = await fresh();
    const log = new GenerationLog(db, { flushMs: 60_000 });
    const records = workload(1500, 2);
    for (let i = 0; i < records.length; i++) {
      log.add(records[i]!);
      if (i % 37 === 36) await log.flush();
    }
    await log.flush();
    assert.equal((await db.get<{ c: number }>('SELECT COUNT(*) AS c FROM generation_batches'))!.c, Math.ceil(1500 / 37));
    const since = records[700]!.created_at;
    for (const q of [{}, { model: 'b/m' }, { keyHash: 'k2' }, { since }, { model: 'a/m', keyHash: 'k1', since }, { model: 'none/x' }]) {
      for (const limit of [1, 7, 50, 333, 10_000]) {
        const want = records
          .filter((g) => (q.model === undefined || g.model === q.model) && (q.keyHash === undefined || g.key_hash === q.keyHash) && (q.since === undefined || g.created_at >= q.since))
          .sort(newest)
          .slice(0, limit);
        assert.deepEqual(await log.list({ ...q, limit }), want, `${JSON.stringify(q)} limit ${limit}`);
      }
    }
    await log.close();
    await db.close();
  });

  it('get finds a record by id (in its second\'s window, or anywhere for an id of another shape); an unknown id is undefined', async () => {
    const db = await fresh();
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 100 });
    const records = workload(600, 3);
    const odd = rec('imported-1', { created_at: 5 });
    for (const g of [...records, odd]) log.add(g);
    await log.flush();
    for (const g of [records[0]!, records[321]!, records[599]!, odd]) assert.deepEqual(await log.get(g.id), g);
    assert.equal(await log.get(genId(records[10]!.created_at, 999_999)), undefined);
    assert.equal(await log.get('gen-1-x'), undefined);
    assert.equal(await log.get(records[10]!.id.slice(0, -1)), undefined, 'a prefix of an id is not the id');
    await log.close();
    await db.close();
  });

  it('prune deletes whole batches before the cut, rewrites the batches across it, and counts every record', async () => {
    const db = await fresh();
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 50 });
    const records = workload(1000, 4);
    for (const g of records) log.add(g);
    await log.flush();
    const cut = records[500]!.created_at;
    const kept = records.filter((g) => g.created_at >= cut);
    assert.equal(await log.prune(cut), records.length - kept.length);
    assert.deepEqual(await log.list({ limit: 10_000 }), kept.sort(newest));
    assert.equal((await db.get<{ c: number }>('SELECT SUM(n) AS c FROM generation_batches'))!.c, kept.length, 'the n column follows');
    assert.equal((await db.get<{ c: number }>('SELECT COUNT(*) AS c FROM generation_batches WHERE first_at < ?', [cut]))!.c, 0);
    assert.equal(await log.prune(cut), 0);
    await log.close();
    await db.close();
  });

  it('a batch whose write committed but was reported failed is written again with the records added since, losing none', async () => {
    const db = await fresh();
    let lie = true;
    const liar: Db = {
      ...db, dialect: 'sqlite', query: db.query.bind(db), get: db.get.bind(db), exec: db.exec.bind(db), script: db.script.bind(db), close: db.close.bind(db),
      transaction: async (fn) => {
        const out = await db.transaction(fn);
        if (lie) throw new Error('connection reset after COMMIT');
        return out;
      },
    };
    const errors: unknown[] = [];
    const log = new GenerationLog(liar, { flushMs: 60_000, onError: (e) => errors.push(e) });
    const records = workload(30, 5);
    records.slice(0, 20).forEach((g) => log.add(g));
    await log.flush();
    assert.equal(errors.length, 1);
    lie = false;
    records.slice(20).forEach((g) => log.add(g));
    await log.flush();
    assert.deepEqual(await db.query<{ n: number }>('SELECT n FROM generation_batches'), [{ n: 30 }], 'the first row replaced');
    assert.deepEqual(await log.list({ limit: 100 }), [...records].sort(newest));
    await log.close();
    await db.close();
  });
});

describe('GenerationLog on PostgreSQL', async () => {
  const up = await pgAvailable();
  const skip = up ? false : `${SERVICES_HINT} (looked for ${PG_URL})`;
  it('moves v2 rows into batch rows, serves get, list and prune, and shows the view', { skip }, async () => {
    const tmp = await tempPgDatabase();
    const db = await openPostgres({ url: tmp.url });
    try {
      await movesV2Rows(db);
      const log = new GenerationLog(db, { flushMs: 60_000 });
      const more = workload(300, 9).map((g) => ({ ...g, id: g.id.replace(/-0/, '-9') }));
      more.forEach((g) => log.add(g));
      await log.flush();
      assert.deepEqual(await log.get(more[150]!.id), more[150]);
      assert.equal((await db.get<{ c: number }>('SELECT COUNT(*) AS c FROM generations WHERE id = ?', [more[7]!.id]))!.c, 1);
      await log.close();
    } finally {
      await db.close();
      await tmp.drop();
    }
  });
});

describe('GenerationLog on a SQLite file (writer thread)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-genlog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const onFile = async (name: string, migrated = true) => {
    const db = openSqlite(join(dir, name));
    if (migrated) await migrate(db, [GENERATION_MIGRATIONS]);
    return db;
  };

  it('get sees a record before it is written, list after; close makes every record durable', async () => {
    const path = 'durable.db';
    const db = await onFile(path);
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 250 });
    const ids = Array.from({ length: 1234 }, (_, i) => `g${String(i).padStart(4, '0')}`);
    ids.slice(0, 1000).forEach((id, i) => log.add(rec(id, { created_at: 1_700_000_000_000 + i })));
    assert.deepEqual(await log.get('g0999'), rec('g0999', { created_at: 1_700_000_000_999 }), 'served from memory while being written');
    const listed = await log.list({ limit: 2 });
    assert.deepEqual(listed.map((g) => g.id), ['g0999', 'g0998'], 'list sees everything added before it');
    assert.equal(db.writerRunning, true, 'written by the writer thread');
    assert.deepEqual(await log.get('g0000'), rec('g0000', { created_at: 1_700_000_000_000 }), 'read back from the table');
    assert.deepEqual(
      await log.list({ limit: 1000 }),
      ids.slice(0, 1000).map((id, i) => rec(id, { created_at: 1_700_000_000_000 + i })).reverse(),
      'every field of every record read back as added (the writer runs 16 rows per statement)',
    );
    ids.slice(1000).forEach((id) => log.add(rec(id)));
    await log.close();
    await db.close();
    const reader = new Database(join(dir, path), { readonly: true });
    assert.equal((reader.prepare('SELECT COUNT(*) AS c FROM generations').get() as { c: number }).c, 1234, 'all on disk after close');
    reader.close();
  });

  it('the database refusing writes keeps the records, reports through onError, and writes them once it accepts', async () => {
    const db = await onFile('refusing.db', false); // no table yet: the writer thread's INSERT fails
    const errors: unknown[] = [];
    const log = new GenerationLog(db, { flushMs: 60_000, onError: (e) => errors.push(e) });
    log.add(rec('kept'));
    await log.flush();
    assert.equal(errors.length, 1);
    assert.match(String((errors[0] as Error).message), /no such table: generation_batches/);
    assert.deepEqual(await log.get('kept'), rec('kept'), 'still served');
    await migrate(db, [GENERATION_MIGRATIONS]);
    await log.flush();
    assert.deepEqual((await log.list()).map((g) => g.id), ['kept']);
    await log.close();
    await db.close();
  });

  it('no SQLite statement of the log runs on the main thread', async () => {
    const db = await onFile('main-thread.db');
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 50 });
    const proto = Object.getPrototypeOf(db.handle.prepare('SELECT 1')) as { run: (...a: unknown[]) => unknown };
    const run = proto.run;
    let runs = 0;
    proto.run = function (this: unknown, ...a: unknown[]) {
      runs++;
      return run.apply(this, a);
    };
    try {
      for (let i = 0; i < 120; i++) log.add(rec(`m${i}`));
      await log.flush();
    } finally {
      proto.run = run;
    }
    assert.equal(runs, 0, `${runs} INSERTs ran on the main thread`);
    assert.equal((await db.get<{ c: number }>('SELECT COUNT(*) AS c FROM generations'))!.c, 120);
    await log.close();
    await db.close();
  });
});

describe('attemptsJson', () => {
  const one = (over: Partial<GenerationAttempt> = {}): GenerationAttempt[] => [
    { provider: 'openai', model: 'openai/gpt-4o', upstream_model: 'gpt-4o', status: 200, error: null, latency_ms: 12, ...over },
  ];
  it('is JSON.stringify of the attempts, whether the template is reused, rebuilt or not used', () => {
    const cases: GenerationAttempt[][] = [
      one(),
      one({ latency_ms: 7 }), // same head: the template
      one({ status: 429, error: 'rate "limited" \\ by upstream\n' }),
      one({ status: null, error: 'unreachable' }),
      one({ latency_ms: Number.NaN }),
      one({ provider: 'anthropic', model: 'anthropic/claude "x"', upstream_model: 'claude-ü' }), // a new head
      one(),
      [],
      [...one({ status: 503, error: 'down' }), ...one({ provider: 'fallback' })],
      [{ provider: 'p', model: 'm', upstream_model: null as unknown as string, status: 200, error: null, latency_ms: 1 }], // malformed: left to JSON.stringify
      one({ error: undefined as unknown as null }), // JSON.stringify drops the key
      one({ status: undefined as unknown as null }),
      one({ latency_ms: '5' as unknown as number }),
    ];
    for (const c of cases) {
      assert.equal(attemptsJson(c), JSON.stringify(c));
      assert.deepEqual(JSON.parse(attemptsJson(c)), JSON.parse(JSON.stringify(c)));
    }
  });

  it('a record written and read back keeps its attempts (the template text parses to the same objects)', async () => {
    const db = await fresh();
    const log = new GenerationLog(db, { flushMs: 60_000, batchSize: 100 });
    const a = rec('t1', { attempts: one({ error: 'x"y' }) });
    const b = rec('t2', { attempts: one({ latency_ms: 99 }) });
    log.add(a);
    log.add(b);
    await log.flush();
    assert.deepEqual((await db.get<{ attempts: string }>("SELECT attempts FROM generations WHERE id = 't2'"))!.attempts, JSON.stringify(b.attempts));
    await log.close();
    const again = new GenerationLog(db, { flushMs: 60_000, batchSize: 100 });
    assert.deepEqual(await again.get('t1'), a);
    assert.deepEqual(await again.get('t2'), b);
    await again.close();
    await db.close();
  });
});
