/**
 * The generation log under `switchyard serve --workers 2` on one SQLite file: each process writes
 * through its own writer thread, a record written by one process is served by the other, and a
 * graceful stop leaves every request's record on disk.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI } from '../fakes/openai.js';
import { listeningUrl } from '../helpers/spawned.js';

let fake: FakeServer;
let dir: string;

before(async () => {
  fake = await startFakeOpenAI({ fallback: () => completion({ content: 'hi' }) });
  dir = mkdtempSync(join(tmpdir(), 'sy-genw-'));
});
after(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--workers 2 on one SQLite file: every record written, readable from either process, durable after stop', async () => {
  const dbPath = join(dir, 'gw.db');
  const cfg = join(dir, 'gw.json');
  writeFileSync(cfg, JSON.stringify({
    providers: { up: { type: 'openai', base_url: `${fake.url}/v1`, api_key: 'sk-test' } },
    models: [{ id: 'openai/gpt-4o-mini', endpoints: [{ provider: 'up', model: 'gpt-4o-mini' }] }],
    storage: { path: dbPath },
    generations: { flush_ms: 30 },
  }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', cfg, '--port', '0', '--workers', '2'], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ids: string[] = [];
  try {
    const url = await listeningUrl(child, { what: 'serve --workers 2', stderr: () => stderr });
    const pids = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const r = await fetch(`${url}/api/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] }),
      });
      assert.equal(r.status, 200);
      await r.text();
      ids.push(r.headers.get('x-generation-id')!);
      if (i % 4 === 0) pids.add((await (await fetch(`${url}/health`, { headers: { connection: 'close' } })).json()).pid);
    }
    assert.equal(pids.size, 2, 'both processes served');
    // any process finds any record once its writer has committed it (well within a few flush_ms)
    for (const id of ids) {
      let status = 0;
      for (let tries = 0; tries < 100 && status !== 200; tries++) {
        const r = await fetch(`${url}/api/v1/generation?id=${encodeURIComponent(id)}`, { headers: { connection: 'close' } });
        status = r.status;
        await r.text();
        if (status !== 200) await new Promise((res) => setTimeout(res, 20));
      }
      assert.equal(status, 200, `${id} readable`);
    }
    // requests still in the buffers at stop are flushed by each process's close
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${url}/api/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `late${i}` }] }),
      });
      await r.text();
      ids.push(r.headers.get('x-generation-id')!);
    }
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
  const db = new Database(dbPath, { readonly: true });
  try {
    const stored = new Set((db.prepare('SELECT id FROM generations').all() as { id: string }[]).map((r) => r.id));
    for (const id of ids) assert.ok(stored.has(id), `${id} on disk`);
    assert.equal(stored.size, ids.length);
  } finally {
    db.close();
  }
  assert.doesNotMatch(stderr, /generation log: write failed/);
});
