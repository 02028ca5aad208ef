import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { parseConfig } from '../config/load.js';
import { storageConfig } from './db.js';
import { openSqlite, openSqliteStorage } from './sqlite.js';
import { SqliteWriter } from './sqlite-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TABLE = 'CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, n BIGINT NOT NULL, flag INTEGER NOT NULL, note TEXT)';
const INSERT = 'INSERT INTO t (id, n, flag, note) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING';

describe('sqlite writer thread', () => {
  it('writeBatch on a file runs on the writer thread; the main connection reads the rows once it resolves', async () => {
    const db = openSqlite(join(dir, 'a.db'));
    await db.script(TABLE);
    const rows = Array.from({ length: 1200 }, (_, i) => [`r${i}`, i, i % 2 === 0, i === 7 ? null : `note ${i}`]);
    const written = db.writeBatch(INSERT, rows);
    assert.equal(db.writerRunning, true, 'started by the first batch');
    assert.equal(db.handle.pragma('wal_autocheckpoint', { simple: true }), 0, 'the writer checkpoints the WAL, the main connection no longer');
    assert.equal((await db.get<{ c: number }>('SELECT COUNT(*) AS c FROM t'))!.c, 0, 'not written on this thread');
    await written;
    assert.equal((await db.get<{ c: number }>('SELECT COUNT(*) AS c FROM t'))!.c, 1200);
    assert.deepEqual(
      await db.query('SELECT id, n, flag, note FROM t ORDER BY rowid'),
      rows.map(([id, n, flag, note]) => ({ id, n, flag: flag ? 1 : 0, note })),
      'every row, in order (16 rows per statement on the writer thread, the rest one at a time)',
    );
    assert.deepEqual(await db.get('SELECT * FROM t WHERE id = ?', ['r7']), { id: 'r7', n: 7, flag: 0, note: null }, 'booleans bound as 0/1, null kept');
    await db.writeBatch(INSERT, [['r7', 70, 1, 'dup'], ['obj', 1, 0, [{ a: 1, b: null }]], ['blob', 1, 0, new Uint8Array([1, 2])]]);
    assert.equal((await db.get<{ note: string }>('SELECT note FROM t WHERE id = ?', ['obj']))!.note, '[{"a":1,"b":null}]', 'an object or array is written as JSON text');
    assert.deepEqual([...(await db.get<{ note: Uint8Array }>('SELECT note FROM t WHERE id = ?', ['blob']))!.note], [1, 2], 'a blob stays a blob');
    assert.equal((await db.get<{ n: number }>('SELECT n FROM t WHERE id = ?', ['r7']))!.n, 7, 'same statement semantics (ON CONFLICT)');
    await db.close();
    assert.equal(db.writerRunning, false, 'close ends the thread');
  });

  it('a failing batch rejects with SQLite message and code, writes nothing, and the thread stays usable', async () => {
    const db = openSqlite(join(dir, 'b.db'));
    await assert.rejects(db.writeBatch(INSERT, [['x', 1, 0, null]]), (e: Error & { code?: string }) => /no such table: t/.test(e.message) && e.code === 'SQLITE_ERROR');
    await db.script(TABLE);
    await assert.rejects(db.writeBatch(INSERT, [['ok', 1, 0, null], ['bad', null, 0, null]]), /NOT NULL/);
    assert.equal((await db.query('SELECT * FROM t')).length, 0, 'the whole batch rolled back');
    await db.writeBatch(INSERT, [['ok', 1, 0, null]]);
    assert.equal((await db.query('SELECT * FROM t')).length, 1);
    await db.close();
  });

  it('a file that cannot be opened fails the writes (not the process); close still resolves', async () => {
    const w = new SqliteWriter({ path: join(dir, 'missing', 'dir', 'c.db'), busyTimeoutMs: 100, cacheKiB: 1024 });
    await assert.rejects(w.write(INSERT, [['x', 1, 0, null]]), /unable to open|cannot open|directory does not exist/i);
    await assert.rejects(w.write(INSERT, [['x', 1, 0, null]]));
    await w.close();
    await assert.rejects(w.write(INSERT, []), /closed/);
  });

  it(':memory: runs writeBatch on this thread (no file to share)', async () => {
    const db = openSqlite(':memory:');
    await db.script(TABLE);
    await db.writeBatch(INSERT, [['m', 1, true, null]]);
    assert.equal(db.writerRunning, false);
    assert.deepEqual(await db.get('SELECT flag FROM t'), { flag: 1 });
    await db.close();
  });

  it('storage.writer_thread: false runs batches on this thread; a non-boolean is a config error', async () => {
    const storage = (raw: Record<string, unknown>) => storageConfig(parseConfig({ storage: { path: join(dir, 'opt.db'), ...raw } }, 't', {}).config);
    const db = openSqliteStorage(storage({ writer_thread: false }));
    await db.script(TABLE);
    await db.writeBatch(INSERT, [['here', 1, 0, null]]);
    assert.equal(db.writerRunning, false);
    assert.equal((await db.query('SELECT * FROM t')).length, 1);
    await db.close();
    assert.throws(() => openSqliteStorage(storage({ writer_thread: 'no' })), /storage\.writer_thread: must be a boolean/);
  });

  it('a writer thread that dies fails its writes in flight; the next write starts a new one', async () => {
    const db = openSqlite(join(dir, 'crash.db'));
    await db.script(TABLE);
    const writer = (db as unknown as { writer: SqliteWriter | undefined }).writer;
    assert.equal(writer, undefined, 'not started before the first batch');
    const inFlight = db.writeBatch(INSERT, [['lost', 1, 0, null]]);
    const thread = (db as unknown as { writer: { worker: { terminate(): Promise<number> } } }).writer.worker;
    await thread.terminate();
    await assert.rejects(inFlight, /exited/);
    await db.writeBatch(INSERT, [['again', 1, 0, null]]);
    assert.deepEqual((await db.query<{ id: string }>('SELECT id FROM t')).map((r) => r.id).filter((id) => id === 'again'), ['again']);
    await db.close();
  });

  it('a writer thread that cannot start makes SqliteDb write on this thread (the failed batch is reported, later ones written)', async () => {
    const db = openSqlite(join(dir, 'nostart.db'));
    await db.script(TABLE);
    const broken = new SqliteWriter({ path: join(dir, 'nostart.db'), busyTimeoutMs: 100, cacheKiB: 1024 }, () => new Worker('throw new Error("cannot load better-sqlite3")', { eval: true }));
    (db as unknown as { writer: SqliteWriter }).writer = broken;
    await assert.rejects(db.writeBatch(INSERT, [['first', 1, 0, null]]), /cannot load better-sqlite3/);
    assert.equal(broken.unusable, true);
    await db.writeBatch(INSERT, [['second', 1, 0, null]]);
    assert.equal(db.handle.pragma('wal_autocheckpoint', { simple: true }), 1000, 'checkpoints back on this connection');
    assert.deepEqual((await db.query<{ id: string }>('SELECT id FROM t')).map((r) => r.id), ['second']);
    await db.close();
  });

  it('the main thread waits for a lock held by another connection without blocking its event loop', async () => {
    const path = join(dir, 'd.db');
    const db = openSqlite(path);
    await db.script(TABLE);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    other.prepare(INSERT).run('held', 1, 0, null);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 2);
    const release = setTimeout(() => other.exec('COMMIT'), 60);
    const started = Date.now();
    // with a synchronous busy timeout these would sleep inside SQLite: the timer above could not run and they would fail
    const waiting = Promise.all([db.exec(INSERT, ['mine', 2, 1, null]), db.transaction(async (tx) => tx.exec(INSERT, ['tx', 3, 0, null]))]);
    assert.deepEqual(await db.query('SELECT id FROM t'), [], 'reads go on while a transaction waits for the lock');
    assert.ok(Date.now() - started < 50, 'read without waiting for the other connection');
    const [changes] = await waiting;
    clearInterval(ticker);
    clearTimeout(release);
    assert.equal(changes.changes, 1);
    assert.ok(Date.now() - started >= 50, 'waited for the other connection');
    assert.ok(ticks >= 5, `event loop kept running while waiting (${ticks} ticks)`);
    assert.equal((await db.query('SELECT id FROM t')).length, 3);
    other.close();
    await db.close();
  });

  it('works compiled (dist layout, plain node, no tsx): the worker entry is found next to sqlite.js', async () => {
    const out = resolve('node_modules/.cache', `switchyard-writer-test-${process.pid}`);
    try {
      execFileSync(process.execPath, [
        'node_modules/typescript/bin/tsc', '--ignoreConfig', 'src/store/sqlite.ts', 'src/store/sqlite-writer-worker.ts', '--outDir', out, '--rootDir', 'src',
        '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--strict',
      ], { stdio: 'pipe' });
      const script = `
        const { openSqlite } = await import(${JSON.stringify(join(out, 'store/sqlite.js'))});
        const db = openSqlite(${JSON.stringify(join(dir, 'compiled.db'))});
        await db.script(${JSON.stringify(TABLE)});
        await db.writeBatch(${JSON.stringify(INSERT)}, [['c1', 1, 0, null], ['c2', 2, 1, 'x']]);
        const running = db.writerRunning;
        const n = (await db.get('SELECT COUNT(*) AS c FROM t')).c;
        await db.close();
        process.stdout.write(JSON.stringify({ running, n }));`;
      const res = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.deepEqual(JSON.parse(res), { running: true, n: 2 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
