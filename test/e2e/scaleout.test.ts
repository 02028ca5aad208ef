/**
 * Scale-out proof: two `switchyard serve` processes on different ports share one PostgreSQL
 * (keys, usage, generation log) and one Redis (rate windows, credit holds, endpoint health), the
 * deployment the README describes. Under concurrent load spread over both replicas: a key's rate
 * limit holds exactly, its credit limit is not overspent beyond one in-flight request per
 * replica, a key disabled through one replica is refused by the other within a second, and the
 * key's usage equals the sum of its generation records.
 *
 * Needs PostgreSQL and Redis: scripts/services.sh starts them (CI's .ci/run does); otherwise the
 * test is skipped with a message saying so.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keysCommand } from '../../src/cli/keys.js';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI } from '../fakes/openai.js';
import { openaiConfig } from '../helpers/gateway.js';
import { PG_URL, REDIS_URL, redisPrefix, servicesAvailable, SERVICES_HINT, tempPgDatabase } from '../helpers/services.js';
import { listeningUrl } from '../helpers/spawned.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const MASTER = 'sk-master-scaleout-0123456789';
const COST = 12 * 0.00000015 + 9 * 0.0000006; // the fake's usage at the test config's prices

const up = await servicesAvailable();
if (!up) console.log(`# scale-out test skipped: ${SERVICES_HINT} (looked for ${PG_URL} and ${REDIS_URL})`);

interface Replica {
  url: string;
  proc: ChildProcess;
  log: string[];
}

async function startReplica(configPath: string): Promise<Replica> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configPath, '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', SWITCHYARD_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const url = await listeningUrl(proc, { what: 'replica', stderr: () => log.join('') });
  return { url, proc, log };
}

async function stopReplica(r: Replica | undefined): Promise<void> {
  if (r === undefined || r.proc.exitCode !== null) return;
  const exited = new Promise((res) => r.proc.once('exit', res));
  r.proc.kill('SIGTERM');
  const t = setTimeout(() => r.proc.kill('SIGKILL'), 6000);
  await exited;
  clearTimeout(t);
}

describe('scale-out: two replicas on shared PostgreSQL + Redis', { skip: up ? false : SERVICES_HINT }, () => {
  let fake: FakeServer;
  let db: Awaited<ReturnType<typeof tempPgDatabase>>;
  let a: Replica;
  let b: Replica;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scaleout-'));
  const configPath = join(dir, 'switchyard.json');

  before(async () => {
    // each upstream answer takes 40 ms, so requests overlap on both replicas
    fake = await startFakeOpenAI({ fallback: { kind: 'delay', ms: 40, then: completion({ content: 'ok' }) } });
    db = await tempPgDatabase();
    const config = {
      ...openaiConfig(fake.url, { master_key: MASTER }),
      storage: { type: 'postgres', url: db.url },
      state: { type: 'redis', url: REDIS_URL, prefix: redisPrefix() },
      generations: { flush_ms: 100 },
    };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    [a, b] = await Promise.all([startReplica(configPath), startReplica(configPath)]);
  });
  after(async () => {
    await Promise.all([stopReplica(a), stopReplica(b)]);
    await fake?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (r: Replica, path: string, key: string, init: RequestInit = {}) =>
    fetch(`${r.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
  const chat = (r: Replica, key: string) =>
    call(r, '/chat/completions', key, { method: 'POST', body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 9 }) });
  const createKey = async (r: Replica, body: Record<string, unknown>) => {
    const res = await call(r, '/keys', MASTER, { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 201);
    return (await res.json()) as { key: string; data: { hash: string } };
  };
  const usageOf = async (r: Replica, hash: string) => ((await (await call(r, `/keys/${hash}`, MASTER)).json()) as { data: { usage: number } }).data.usage;

  it('the replicas are two processes on two ports', async () => {
    assert.notEqual(a.url, b.url);
    const [ha, hb] = await Promise.all([fetch(`${a.url}/health`), fetch(`${b.url}/health`)]);
    assert.equal(ha.status, 200);
    assert.equal(hb.status, 200);
    assert.notEqual(a.proc.pid, b.proc.pid);
  });

  it('a rate limit of 10/min holds exactly across both replicas under 40 concurrent requests', async () => {
    const { key } = await createKey(a, { name: 'rate', rate_limit: '10/1m' });
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(i % 2 ? a : b, key).then((r) => r.status)));
    assert.equal(statuses.filter((s) => s === 200).length, 10, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 30);
  });

  it('a credit limit is not overspent beyond one in-flight request per replica; usage = sum of generation records', async (t) => {
    const limit = COST * 5;
    const { key, data } = await createKey(b, { name: 'budget', limit });
    const ids: string[] = [];
    const statuses: number[] = [];
    for (let wave = 0; wave < 4; wave++) {
      const res = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(i % 2 ? a : b, key)));
      for (const r of res) {
        statuses.push(r.status);
        if (r.status === 200) ids.push(r.headers.get('x-generation-id')!);
        await r.arrayBuffer();
      }
    }
    assert.ok(statuses.every((s) => s === 200 || s === 402), statuses.join(','));
    assert.ok(statuses.includes(402), 'the limit was reached');
    // charges land just after each response; wait until the total stops moving
    let usage = -1;
    for (let i = 0; i < 50; i++) {
      const u = await usageOf(a, data.hash);
      if (Math.abs(u - ids.length * COST) < 1e-12) {
        usage = u;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(Math.abs(usage - ids.length * COST) < 1e-12, `usage ${usage} for ${ids.length} served requests`);
    assert.ok(usage <= limit + 2 * COST + 1e-12, `spent ${usage} against a limit of ${limit}: over by more than one request per replica`);
    assert.ok(ids.length >= 4, `only ${ids.length} admitted`);
    // every served request has a generation record (fetched from either replica) whose costs add up to the usage
    let sum = 0;
    for (const [i, id] of ids.entries()) {
      const r = i % 2 ? a : b;
      let rec: { data: { total_cost: number } } | undefined;
      for (let t = 0; t < 50 && rec === undefined; t++) {
        const res = await call(r, `/generation?id=${id}`, MASTER);
        if (res.status === 200) rec = (await res.json()) as typeof rec;
        else await new Promise((x) => setTimeout(x, 100));
      }
      assert.ok(rec !== undefined, `generation ${id} not found`);
      sum += rec.data.total_cost;
    }
    assert.ok(Math.abs(sum - usage) < 1e-12, `generations sum to ${sum}, usage is ${usage}`);
    t.diagnostic(`limit ${limit}, spent ${usage} (${ids.length} of 40 admitted, ${statuses.filter((x) => x === 402).length} refused with 402)`);
    const fromB = await usageOf(b, data.hash);
    assert.ok(Math.abs(fromB - usage) < 1e-12, 'both replicas report the same usage');
  });

  it('a key disabled through one replica is refused by the other within a second', async (t) => {
    const { key, data } = await createKey(a, { name: 'victim' });
    assert.equal((await call(b, '/key', key)).status, 200, 'b knows (and caches) the key');
    const t0 = Date.now();
    const res = await call(a, `/keys/${data.hash}`, MASTER, { method: 'PATCH', body: JSON.stringify({ disabled: true }) });
    assert.equal(res.status, 200);
    let refusedAfter: number | undefined;
    while (Date.now() - t0 < 3000) {
      const r = await chat(b, key);
      await r.arrayBuffer();
      if (r.status === 401) {
        refusedAfter = Date.now() - t0;
        break;
      }
    }
    assert.ok(refusedAfter !== undefined && refusedAfter < 1000, `refused after ${refusedAfter} ms`);
    t.diagnostic(`disabled on one replica, refused by the other after ${refusedAfter} ms`);
    assert.equal((await chat(a, key)).status, 401);
  });

  it('`switchyard keys disable` on the shared PostgreSQL is seen by both replicas within a second', async () => {
    const { key } = await createKey(b, { name: 'cli-victim' });
    assert.deepEqual(await Promise.all([call(a, '/key', key), call(b, '/key', key)]).then((r) => r.map((x) => x.status)), [200, 200]);
    const t0 = Date.now();
    assert.equal(await keysCommand(['disable', 'cli-victim', '--config', configPath], { out: () => undefined, err: () => undefined }), 0);
    const refused = async (r: Replica) => {
      while (Date.now() - t0 < 3000) if ((await call(r, '/key', key)).status === 401) return Date.now() - t0;
      return Infinity;
    };
    const [ra, rb] = await Promise.all([refused(a), refused(b)]);
    assert.ok(ra < 1000 && rb < 1000, `refused after ${ra} / ${rb} ms`);
  });
});
