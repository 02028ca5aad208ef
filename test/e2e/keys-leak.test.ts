/**
 * A leaked database or log must not reveal a usable key: after creating keys (admin API and
 * CLI) and using them (served, refused, failed), neither the SQLite files (db, -wal, -shm) nor
 * every log line at trace level contain a key or its secret part. On PostgreSQL the same holds
 * for every row of every table.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import pino from 'pino';
import { keysCommand } from '../../src/cli/keys.js';
import { parseConfig } from '../../src/config/load.js';
import { buildExtensions } from '../../src/features.js';
import { createGateway } from '../../src/server/app.js';
import { openPostgres } from '../../src/store/postgres.js';
import { startFakeOpenAI, completion } from '../fakes/openai.js';
import { openaiConfig } from '../helpers/gateway.js';
import { pgAvailable, SERVICES_HINT, tempPgDatabase } from '../helpers/services.js';

const MASTER = 'sk-master-leak-test-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-leak-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pgUp = await pgAvailable();

async function exercise(storage: Record<string, unknown>, name: string): Promise<{ tokens: string[]; logs: string }> {
  const fake = await startFakeOpenAI({ fallback: completion({ content: 'ok' }) });
  const doc = { ...openaiConfig(fake.url, { master_key: MASTER }), storage };
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
  const { config } = parseConfig(doc, 'leak-test', {});
  const gw = createGateway(config, { logger, extensions: await buildExtensions(config, { logger }) });
  const url = `${await gw.listen(0, '127.0.0.1')}/api/v1`;
  const tokens: string[] = [];
  try {
    const req = (path: string, key: string, body?: unknown) =>
      fetch(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
    const created = await req('/keys', MASTER, { name: `${name}-api`, limit: 0.0000001, rate_limit: '3/m' });
    assert.equal(created.status, 201);
    tokens.push(created.json.key);
    const cfgPath = join(dir, `${name}.json`);
    writeFileSync(cfgPath, JSON.stringify(doc));
    let out = '';
    assert.equal(await keysCommand(['create', '--name', `${name}-cli`, '--config', cfgPath], { out: (s) => void (out += s), err: () => undefined }), 0);
    tokens.push(out.trim());
    const chat = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await req('/chat/completions', tokens[0]!, chat)).status); // 200, then 402 / 429
    statuses.push((await req('/chat/completions', tokens[1]!, chat)).status);
    statuses.push((await req('/chat/completions', tokens[1]!, { ...chat, model: 'nope/nope' })).status);
    statuses.push((await req('/chat/completions', tokens[1]!.slice(0, -2) + 'zz', chat)).status);
    statuses.push((await req('/key', tokens[1]!)).status);
    // after the first answer the key is over its credit (402); whether a refused request also used
    // up a rate slot (and so which of the later ones get 429) depends on when the usage cache saw
    // the first charge: either refusal is right
    assert.deepEqual(statuses.slice(0, 2), [200, 402]);
    for (const s of statuses.slice(2, 5)) assert.ok(s === 402 || s === 429, `got ${s}`);
    assert.deepEqual(statuses.slice(5), [200, 404, 401, 200]);
  } finally {
    await gw.close();
    await fake.stop();
  }
  return { tokens, logs: lines.join('') };
}

function assertNoKey(haystack: Buffer | string, tokens: string[], where: string): void {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  for (const t of tokens) {
    assert.ok(!text.includes(t), `${where} contains a whole key`);
    assert.ok(!text.includes(t.slice(21)), `${where} contains a key's secret part`);
    assert.ok(!text.includes(t.slice(21, 41)), `${where} contains 20 characters of a key's secret`);
  }
}

it('SQLite: the database files and the logs hold no key', async () => {
  const sub = join(dir, 'sqlite');
  const { tokens, logs } = await exercise({ path: join(sub, 'store.db') }, 'sqlite');
  assert.match(logs, /keys: created key \\"sqlite-api\\"/, 'key management is logged (by label)');
  assert.match(logs, /keys: refused: API key \\"sqlite-api\\"/, 'refusals are logged at debug');
  assertNoKey(logs, tokens, 'the log');
  const files = readdirSync(sub);
  assert.ok(files.includes('store.db'));
  for (const f of files) assertNoKey(readFileSync(join(sub, f)), tokens, f);
});

it('PostgreSQL: no row of any table and no log line holds a key', { skip: pgUp ? false : SERVICES_HINT }, async () => {
  const tmp = await tempPgDatabase();
  try {
    const { tokens, logs } = await exercise({ type: 'postgres', url: tmp.url }, 'pg');
    assertNoKey(logs, tokens, 'the log');
    const db = await openPostgres({ url: tmp.url });
    try {
      const tables = await db.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'");
      assert.ok(tables.some((x) => x.t === 'api_keys'));
      for (const { t } of tables) assertNoKey(JSON.stringify(await db.query(`SELECT * FROM ${t}`)), tokens, `table ${t}`);
    } finally {
      await db.close();
    }
  } finally {
    await tmp.drop();
  }
});
