/**
 * `switchyard keys …` against the store a running gateway uses: create (printed once), list,
 * disable/enable/delete seen by the gateway, clear errors; the real binary once through COMMANDS;
 * and the keys/usage migrations from an empty database and re-run, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keysCommand, type CliIO } from '../../src/cli/keys.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { migrate, schemaVersion } from '../../src/store/migrations.js';
import { KEY_MIGRATIONS } from '../../src/store/keys.js';
import { USAGE_MIGRATIONS } from '../../src/store/usage.js';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI } from '../fakes/openai.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';
import { pgAvailable, SERVICES_HINT, tempPgDatabase } from '../helpers/services.js';

const pgUp = await pgAvailable();
const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-keys-cli-'));
const dbPath = join(dir, 'store.db');
const cfgPath = join(dir, 'switchyard.json');

let fake: FakeServer;
let gw: TestGateway;

before(async () => {
  fake = await startFakeOpenAI({ fallback: completion({ content: 'ok' }) });
  const doc = { ...openaiConfig(fake.url, { master_key: 'sk-master-cli-test' }), storage: { path: dbPath }, keys: { cache_ms: 100 } };
  writeFileSync(cfgPath, JSON.stringify(doc));
  gw = await startGateway(doc);
});
after(async () => {
  await gw.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => void (out += s), err: (s) => void (err += s) };
  const code = await keysCommand([...argv, '--config', cfgPath], io);
  return { code, out, err };
}

const chat = (key: string, model = 'openai/gpt-4o-mini') =>
  fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('switchyard keys', () => {
  let token = '';

  it('create prints the key once (stdout) and says so (stderr)', async () => {
    const r = await cli('create', '--name', 'ci-bot', '--limit', '5', '--rate', '60/m', '--models', 'openai/*', '--expires', '30d', '--tpm', '100000');
    assert.equal(r.code, 0, r.err);
    token = r.out.trim();
    assert.match(token, /^sk-sy-v1-[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.match(r.err, /created key "ci-bot" \(sk-sy-v1-[0-9a-f]{12}\.\.\.\): store it now, it is not shown again/);
    assert.ok(!r.err.includes(token));
  });

  it('the running gateway accepts it and applies its limits', async () => {
    assert.equal(await chat(token), 200);
    assert.equal(await chat(token, 'anthropic/claude-3-haiku'), 403, 'outside --models');
  });

  it('list shows a table with name, prefix, usage, limit, rate, created, last used, disabled and never the key', async () => {
    await sleep(100);
    const r = await cli('list');
    assert.equal(r.code, 0);
    const [header, row] = r.out.trim().split('\n');
    assert.match(header!, /^NAME\s+PREFIX\s+USAGE\s+LIMIT\s+RATE\s+CREATED\s+LAST USED\s+DISABLED$/);
    assert.match(row!, /^ci-bot\s+sk-sy-v1-[0-9a-f]{12}\.\.\.\s+\$0\.0000072\s+\$5\s+60\/1m\s+\d{4}-\d\d-\d\dT\S+Z\s+\d{4}-\d\d-\d\dT\S+Z\s+no$/);
    assert.ok(!r.out.includes(token.slice(21)));
    const json = JSON.parse((await cli('list', '--json')).out);
    assert.equal(json[0].name, 'ci-bot');
    assert.ok(!JSON.stringify(json).includes(token.slice(21)));
    const show = await cli('show', 'ci-bot');
    assert.match(show.out, /tokens\/min\s+100000/);
    assert.match(show.out, /models\s+openai\/\*/);
  });

  it('disable / enable / delete take effect on the running gateway', async () => {
    assert.equal((await cli('disable', 'ci-bot')).code, 0);
    await sleep(150);
    assert.equal(await chat(token), 401);
    const enabled = await cli('enable', 'ci-bot');
    assert.match(enabled.err, /enabled key "ci-bot"/);
    await sleep(150);
    assert.equal(await chat(token), 200);
    assert.equal((await cli('delete', 'ci-bot')).code, 0);
    await sleep(150);
    assert.equal(await chat(token), 401);
    assert.match((await cli('list')).out.trim(), /^NAME.*DISABLED$/, 'empty table');
  });

  it('clear errors: duplicate name, unknown key, bad flags', async () => {
    assert.equal((await cli('create', '--name', 'twice')).code, 0);
    const dup = await cli('create', '--name', 'twice');
    assert.equal(dup.code, 1);
    assert.match(dup.err, /a key named "twice" already exists/);
    const unknown = await cli('disable', 'nobody');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no key "nobody"/);
    await assert.rejects(cli('create', '--name', 'x', '--rate', 'lots'), /rate: "lots" is not a rate/);
    await assert.rejects(cli('create', '--name', 'x', '--limit', 'free'), /--limit: "free"/);
    await assert.rejects(cli('create', '--name', 'x', '--expires', 'whenever'), /expires: "whenever"/);
    await assert.rejects(cli('create'), /--name is required/);
    assert.equal((await cli('frobnicate')).code, 2);
  });

  it('the real binary: `switchyard keys list` is registered in COMMANDS', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'list', '--config', cfgPath], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+PREFIX/);
    assert.match(r.stdout, /twice/);
  });
});

describe('keys and usage migrations', () => {
  it('SQLite: from an empty database, then a re-run applies nothing', async () => {
    const db = openSqlite(join(dir, 'empty.db'));
    assert.deepEqual(await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]), ['keys@1', 'usage@1']);
    assert.deepEqual(await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]), []);
    assert.equal(await schemaVersion(db, 'keys'), 1);
    await db.close();
  });

  it('PostgreSQL: from an empty database, then a re-run applies nothing', { skip: pgUp ? false : SERVICES_HINT }, async () => {
    const tmp = await tempPgDatabase();
    const db = await openPostgres({ url: tmp.url });
    try {
      assert.deepEqual(await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]), ['keys@1', 'usage@1']);
      assert.deepEqual(await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]), []);
      assert.equal(await schemaVersion(db, 'usage'), 1);
    } finally {
      await db.close();
      await tmp.drop();
    }
  });
});
