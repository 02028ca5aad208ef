import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { enableWal } from './sqlite-wal.js';
import { openSqlite } from './sqlite.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'sy-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A thread holding an exclusive lock on a fresh (rollback-journal) file for `ms`, posting 'locked' once it holds it. */
function holdExclusive(path: string, ms: number): Promise<Worker> {
  const w = new Worker(
    `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
     const { parentPort } = require('node:worker_threads');
     const d = new Database(${JSON.stringify(path)});
     d.exec('CREATE TABLE t (x)');
     d.exec('BEGIN EXCLUSIVE');
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
     d.exec('COMMIT');
     d.close();`,
    { eval: true },
  );
  return new Promise((resolve, reject) => {
    w.once('message', () => resolve(w));
    w.once('error', reject);
  });
}

test('enableWal waits out a lock held elsewhere instead of failing with SQLITE_BUSY', async () => {
  const path = join(dir, 'held.db');
  const w = await holdExclusive(path, 300);
  const d = new Database(path, { timeout: 0 });
  // the failure the retry is for: without it the switch is refused at once
  assert.throws(() => d.pragma('journal_mode = WAL'), (e: { code?: string }) => e.code === 'SQLITE_BUSY');
  const t0 = Date.now();
  assert.equal(enableWal(d, 5000), 'wal');
  assert.ok(Date.now() - t0 >= 100, 'it waited for the lock');
  d.close();
  await new Promise((r) => w.once('exit', r));
});

test('enableWal gives up with the SQLITE_BUSY error after its timeout', async () => {
  const path = join(dir, 'long.db');
  const w = await holdExclusive(path, 1500);
  const d = new Database(path, { timeout: 0 });
  const t0 = Date.now();
  assert.throws(() => enableWal(d, 200), (e: { code?: string }) => e.code === 'SQLITE_BUSY');
  const waited = Date.now() - t0;
  assert.ok(waited >= 200 && waited < 1400, `gave up after ${waited} ms`);
  d.close();
  await new Promise((r) => w.once('exit', r));
});

test('openSqlite opens a file another connection holds locked, in WAL mode', async () => {
  const path = join(dir, 'open.db');
  const w = await holdExclusive(path, 300);
  const db = openSqlite(path, { writerThread: false });
  assert.deepEqual(await db.query('SELECT x FROM t'), []);
  assert.equal((await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode, 'wal');
  await db.close();
  await new Promise((r) => w.once('exit', r));
});

test('processes opening one fresh database file at once all open it (serve --workers on a new install)', async () => {
  const script = `
    import { openSqlite } from ${JSON.stringify(new URL('./sqlite.ts', import.meta.url).href)};
    const [path, at] = process.argv.slice(-2);
    while (Date.now() < Number(at));
    const db = openSqlite(path, { writerThread: false });
    await db.exec('CREATE TABLE IF NOT EXISTS t (x)');
    await db.close();`;
  let failures = '';
  for (let round = 0; round < 4; round++) {
    const path = join(dir, `fresh-${round}.db`);
    const at = Date.now() + 1500; // every process loaded and spinning when the moment comes
    const runs = Array.from({ length: 4 }, () =>
      new Promise<void>((resolve) => {
        const c = spawn(process.execPath, [...process.execArgv, '--input-type=module', '-e', script, path, String(at)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        c.stderr.on('data', (b) => (err += b));
        c.on('exit', (code) => {
          if (code !== 0) failures += `exit ${code}: ${err.slice(-300)}\n`;
          resolve();
        });
      }),
    );
    await Promise.all(runs);
  }
  assert.equal(failures, '');
});
