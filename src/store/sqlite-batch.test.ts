import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { bindRow, multiRowSql, ROWS_PER_STATEMENT, runBatch } from './sqlite-batch.js';

const TABLE = 'CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, flag INTEGER NOT NULL, note TEXT)';
const INSERT = 'INSERT INTO t (id, n, flag, note) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING';

function open() {
  const db = new Database(':memory:');
  db.exec(TABLE);
  const prepared: string[] = [];
  const cache = new Map<string, Database.Statement<unknown[], unknown>>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (s === undefined) {
      prepared.push(sql);
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return { db, prepared, prepare };
}

const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => [`r${String(from + i).padStart(4, '0')}`, from + i, (from + i) % 2 === 0, i % 3 === 0 ? null : { i }]);

describe('multiRowSql', () => {
  it('repeats the one VALUES tuple, keeping what comes before and after it', () => {
    assert.deepEqual(multiRowSql(INSERT, 3), {
      sql: 'INSERT INTO t (id, n, flag, note) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      width: 4,
    });
    assert.deepEqual(multiRowSql('insert into t values(?,?);', 2), { sql: 'insert into t values(?,?), (?,?);', width: 2 });
    assert.equal(multiRowSql('INSERT INTO t (id) VALUES (?) ON CONFLICT DO NOTHING', 2)?.sql, 'INSERT INTO t (id) VALUES (?), (?) ON CONFLICT DO NOTHING');
  });

  it('refuses statements whose params are not one tuple of anonymous params', () => {
    for (const sql of [
      'INSERT INTO t (id, n) SELECT ?, ?', // no VALUES tuple
      'INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = ?', // a param after the tuple
      'INSERT INTO t (id, n) VALUES (?1, ?2)', // numbered
      'INSERT INTO t (id, n) VALUES (:id, :n)', // named
      'INSERT INTO t (id, n) VALUES (?, 7)', // a literal in the tuple
      'UPDATE t SET n = 1 WHERE id IN (SELECT id FROM u) AND x IN (VALUES (?))', // not an INSERT
      'INSERT INTO t (id, n) VALUES (?, ?), (?, ?)', // already two tuples
      'INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = n + 1', // an upsert
      'INSERT INTO t (id, n) VALUES (?, ?) RETURNING id',
      'INSERT OR REPLACE INTO t (id, n) VALUES (?, ?)',
    ])
      assert.equal(multiRowSql(sql, 4), undefined, sql);
    // more params than an older SQLite takes in one statement (999)
    const wide = `INSERT INTO w VALUES (${Array.from({ length: 63 }, () => '?').join(', ')})`;
    assert.equal(multiRowSql(wide, 15)?.width, 63);
    assert.equal(multiRowSql(wide, 16), undefined, '16 x 63 = 1008 params');
  });
});

describe('runBatch', () => {
  for (const n of [0, 1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, ROWS_PER_STATEMENT + 1, 3 * ROWS_PER_STATEMENT + 5]) {
    it(`writes ${n} rows in order, each value bound as a single-row INSERT binds it`, () => {
      const { db, prepare } = open();
      const batch = rows(n);
      runBatch(db, prepare, INSERT, batch);
      const got = db.prepare('SELECT id, n, flag, note FROM t ORDER BY rowid').all();
      assert.deepEqual(
        got,
        batch.map((r) => ({ id: r[0], n: r[1], flag: r[2] ? 1 : 0, note: r[3] === null ? null : JSON.stringify(r[3]) })),
      );
    });
  }

  it('runs full groups as one multi-row statement and the rest one row at a time', () => {
    const { db, prepare, prepared } = open();
    runBatch(db, prepare, INSERT, rows(2 * ROWS_PER_STATEMENT + 3));
    assert.deepEqual(prepared, [INSERT, multiRowSql(INSERT, ROWS_PER_STATEMENT)!.sql]);
    const few = open();
    runBatch(few.db, few.prepare, INSERT, rows(ROWS_PER_STATEMENT - 1));
    assert.deepEqual(few.prepared, [INSERT]);
  });

  it('skips duplicates within one multi-row statement and against the table, as ON CONFLICT DO NOTHING does per row', () => {
    const { db, prepare } = open();
    runBatch(db, prepare, INSERT, rows(3));
    const batch = rows(ROWS_PER_STATEMENT);
    batch[5] = ['r0000', 99, true, null]; // already in the table
    batch[9] = [batch[8]![0]!, 98, true, null]; // twice in this statement
    runBatch(db, prepare, INSERT, batch);
    assert.equal(db.prepare('SELECT n FROM t WHERE id = ?').pluck().get('r0000'), 0);
    assert.equal(db.prepare('SELECT n FROM t WHERE id = ?').pluck().get(batch[8]![0]), 8);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 3 + ROWS_PER_STATEMENT - 3 - 2); // ids 0-2 were there already, rows 5 and 9 skipped
  });

  it('rolls the whole batch back when one row fails, in a multi-row statement or alone', () => {
    for (const bad of [3, 2 * ROWS_PER_STATEMENT + 1]) {
      const { db, prepare } = open();
      const batch = rows(2 * ROWS_PER_STATEMENT + 2);
      batch[bad] = ['bad', null, 0, null];
      assert.throws(() => runBatch(db, prepare, INSERT, batch), /NOT NULL/);
      assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0);
    }
  });

  it('a row with the wrong number of params fails as it does alone, and nothing is written', () => {
    const { db, prepare } = open();
    const batch: unknown[][] = rows(ROWS_PER_STATEMENT + 1);
    batch[4] = ['short', 1, 0];
    assert.throws(() => runBatch(db, prepare, INSERT, batch as never), /Too few parameter values/);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0);
  });

  it('runs statements it cannot widen one row at a time', () => {
    const { db, prepare, prepared } = open();
    const upsert = 'INSERT INTO t (id, n, flag) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET n = n + 1';
    runBatch(db, prepare, upsert, Array.from({ length: ROWS_PER_STATEMENT + 2 }, () => ['same', 0, 1]));
    assert.deepEqual(prepared, [upsert]);
    assert.equal(db.prepare('SELECT n FROM t').pluck().get(), ROWS_PER_STATEMENT + 1);
  });
});

describe('bindRow', () => {
  it('returns the row itself when every value binds as it is, else a converted copy', () => {
    const plain = ['a', 1, null, 2.5, new Uint8Array([1])];
    assert.equal(bindRow(plain), plain);
    const row = ['a', true, false, { x: [1] }, [2]];
    assert.deepEqual(bindRow(row), ['a', 1, 0, '{"x":[1]}', '[2]']);
    assert.deepEqual(row, ['a', true, false, { x: [1] }, [2]]);
  });
});
