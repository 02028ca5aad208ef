import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load.js';
import { PG_URL, pgAvailable, SERVICES_HINT, tempPgDatabase } from '../../test/helpers/services.js';
import { openDb, storageConfig, type Db } from './db.js';
import { migrate, schemaVersion, type MigrationSet } from './migrations.js';
import { openPostgres, redactUrl, toPgPlaceholders } from './postgres.js';

const SET: MigrationSet = {
  namespace: 'demo',
  migrations: [
    { version: 1, name: 'create', up: ['CREATE TABLE IF NOT EXISTS demo (id TEXT PRIMARY KEY, n BIGINT NOT NULL, flag INTEGER NOT NULL, price DOUBLE PRECISION)'] },
    { version: 2, name: 'index', up: ['CREATE INDEX IF NOT EXISTS demo_n ON demo (n)'] },
  ],
};

describe('postgres Db: pure parts', () => {
  it('rewrites ? placeholders in order', () => {
    assert.equal(toPgPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)'), 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  });
  it('redacts passwords and accepts storage.type as the driver name', () => {
    assert.equal(redactUrl('postgres://u:secret@h:5432/db'), 'postgres://u:***@h:5432/db');
    assert.equal(storageConfig(parseConfig({ storage: { type: 'postgres', url: 'postgres://h/db' } }, 't', {}).config).driver, 'postgres');
    assert.equal(storageConfig(parseConfig({ storage: { url: 'postgresql://h/db' } }, 't', {}).config).driver, 'postgres');
  });
  it('a wrong URL fails at open with the redacted URL in the message', async () => {
    await assert.rejects(openPostgres({ url: 'postgres://u:pw@127.0.0.1:1/nope' }), (e: Error) => /cannot connect to PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/nope/.test(e.message) && !e.message.includes(':pw@'));
  });
});

describe('postgres Db: against a server', async () => {
  const up = await pgAvailable();
  let tmp: Awaited<ReturnType<typeof tempPgDatabase>> | undefined;
  let db: Db;
  before(async () => {
    if (!up) return;
    tmp = await tempPgDatabase();
    db = await openPostgres({ url: tmp.url });
  });
  after(async () => {
    await db?.close();
    await tmp?.drop();
  });
  const skip = up ? false : `${SERVICES_HINT} (looked for ${PG_URL})`;

  it('migrates from an empty database, idempotently, and runs the portable SQL', { skip }, async () => {
    assert.deepEqual(await migrate(db, [SET]), ['demo@1', 'demo@2']);
    assert.deepEqual(await migrate(db, [SET]), [], 'second run applies nothing');
    assert.equal(await schemaVersion(db, 'demo'), 2);
    const now = Date.now();
    await db.exec('INSERT INTO demo (id, n, flag, price) VALUES (?, ?, ?, ?)', ['a', now, true, 1.5]);
    await db.exec('INSERT INTO demo (id, n, flag, price) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n', ['a', 7, false, null]);
    assert.deepEqual(await db.get('SELECT * FROM demo WHERE id = ?', ['a']), { id: 'a', n: 7, flag: 1, price: 1.5 });
    await db.exec('INSERT INTO demo (id, n, flag, price) VALUES (?, ?, ?, ?)', ['b', now, 0, 2.25]);
    const agg = await db.get<{ c: number; s: number; m: number }>('SELECT COUNT(*) AS c, SUM(n) AS s, MAX(n) AS m FROM demo');
    assert.deepEqual(agg, { c: 2, s: now + 7, m: now }, 'COUNT/SUM/BIGINT come back as numbers');
    const upd = await db.exec('UPDATE demo SET price = price + ? WHERE id = ?', [0.25, 'b']);
    assert.equal(upd.changes, 1);
    const ret = await db.query<{ id: string; price: number }>('UPDATE demo SET price = price * ? RETURNING id, price', [2]);
    assert.deepEqual(ret.sort((x, y) => x.id.localeCompare(y.id)), [{ id: 'a', price: 3 }, { id: 'b', price: 5 }]);
  });

  it('rolls back a failed transaction; concurrent migrate() calls apply each version once', { skip }, async () => {
    await assert.rejects(db.transaction(async (tx) => {
      await tx.exec('INSERT INTO demo (id, n, flag) VALUES (?, ?, ?)', ['x', 1, 0]);
      throw new Error('boom');
    }), /boom/);
    assert.equal(await db.get('SELECT id FROM demo WHERE id = ?', ['x']), undefined);
    const other: MigrationSet = { namespace: 'race', migrations: [{ version: 1, name: 'one', up: ['CREATE TABLE race_t (a TEXT)'] }] };
    const results = await Promise.all([migrate(db, [other]), migrate(db, [other]), migrate(db, [other])]);
    assert.deepEqual(results.flat(), ['race@1']);
  });

  it('replicas starting together on an empty database: concurrent migrate() from separate connections', { skip }, async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = await tempPgDatabase();
      const dbs = await Promise.all(Array.from({ length: 4 }, () => openPostgres({ url: fresh.url })));
      try {
        const applied = await Promise.all(dbs.map((d) => migrate(d, [SET])));
        assert.deepEqual(applied.flat().sort(), ['demo@1', 'demo@2'], 'each version applied exactly once');
      } finally {
        await Promise.all(dbs.map((d) => d.close()));
        await fresh.drop();
      }
    }
  });

  it('openDb opens PostgreSQL from storage: {type: postgres, url}', { skip }, async () => {
    const { config } = parseConfig({ storage: { type: 'postgres', url: tmp!.url } }, 't', {});
    const h = await openDb(config);
    assert.equal(h.dialect, 'postgres');
    assert.equal((await h.get<{ c: number }>('SELECT COUNT(*) AS c FROM demo'))?.c, 2);
    await h.close();
  });
});
