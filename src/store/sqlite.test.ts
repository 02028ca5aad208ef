import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { openDb, storageConfig } from './db.js';
import { migrate, schemaVersion, type MigrationSet } from './migrations.js';
import { openSqlite } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SET: MigrationSet = {
  namespace: 'demo',
  migrations: [
    { version: 1, name: 'create', up: ['CREATE TABLE IF NOT EXISTS demo (id TEXT PRIMARY KEY, n BIGINT NOT NULL, flag INTEGER NOT NULL, price DOUBLE PRECISION)'] },
    { version: 2, name: 'index', up: ['CREATE INDEX IF NOT EXISTS demo_n ON demo (n)'] },
  ],
};

describe('sqlite Db', () => {
  it('creates the directory, uses WAL, and runs portable SQL with ? params', async () => {
    const path = join(dir, 'nested', 'a.db');
    const db = openSqlite(path);
    assert.ok(existsSync(path));
    assert.equal(db.handle.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(await migrate(db, [SET]), ['demo@1', 'demo@2']);
    assert.deepEqual(await migrate(db, [SET]), [], 'idempotent');
    assert.equal(await schemaVersion(db, 'demo'), 2);
    await db.exec('INSERT INTO demo (id, n, flag, price) VALUES (?, ?, ?, ?)', ['a', Date.now(), true, 1.5]);
    await db.exec('INSERT INTO demo (id, n, flag, price) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n', ['a', 7, false, null]);
    const row = await db.get<{ id: string; n: number; flag: number; price: number }>('SELECT * FROM demo WHERE id = ?', ['a']);
    assert.deepEqual(row, { id: 'a', n: 7, flag: 1, price: 1.5 });
    await db.close();
  });

  it('rolls a failed transaction back and keeps other callers out of a running one', async () => {
    const db = openSqlite(':memory:');
    await migrate(db, [SET]);
    await assert.rejects(db.transaction(async (tx) => {
      await tx.exec('INSERT INTO demo (id, n, flag) VALUES (?, ?, ?)', ['x', 1, 0]);
      throw new Error('boom');
    }), /boom/);
    assert.equal((await db.query('SELECT * FROM demo')).length, 0);
    let outsideSaw = -1;
    const tx = db.transaction(async (t) => {
      await t.exec('INSERT INTO demo (id, n, flag) VALUES (?, ?, ?)', ['y', 1, 0]);
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('undo');
    });
    const outside = db.query('SELECT * FROM demo').then((r) => (outsideSaw = r.length));
    await assert.rejects(tx);
    await outside;
    assert.equal(outsideSaw, 0, 'the outside read waited for the rollback');
    await db.close();
  });

  it('a migration that fails leaves no record and can be retried', async () => {
    const db = openSqlite(':memory:');
    const bad: MigrationSet = { namespace: 'bad', migrations: [{ version: 1, name: 'broken', up: ['CREATE TABLE ok1 (a TEXT)', 'NOT SQL'] }] };
    await assert.rejects(migrate(db, [bad]));
    assert.equal(await schemaVersion(db, 'bad'), 0);
    assert.equal((await db.query("SELECT name FROM sqlite_master WHERE name = 'ok1'")).length, 0);
    await db.close();
  });

  it('openDb shares one store per config and closes it with the last handle', async () => {
    const { config } = parseConfig({ storage: { path: join(dir, 'shared.db') } }, 't', {});
    assert.equal(storageConfig(config).driver, 'sqlite');
    assert.equal(storageConfig(parseConfig({}, 't', {}).config).path, './data/switchyard.db');
    const a = await openDb(config);
    const b = await openDb(config);
    await migrate(a, [SET]);
    await a.exec('INSERT INTO demo (id, n, flag) VALUES (?, ?, ?)', ['s', 1, 1]);
    await a.close();
    assert.equal((await b.query('SELECT id FROM demo')).length, 1, 'still open for b');
    await b.close();
    const { config: pg } = parseConfig({ storage: { driver: 'nope' } }, 't', {});
    await assert.rejects(openDb(pg), /unknown driver "nope"/);
  });
});
