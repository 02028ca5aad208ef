/** `switchyard serve` as a process: flags, the listening line, config errors, loopback-only open mode. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SERVE_NODE_FLAGS } from '../../src/cli/node-flags.js';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI } from '../fakes/openai.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
let fake: FakeServer;
let dir: string;

before(async () => {
  fake = await startFakeOpenAI();
  dir = mkdtempSync(join(tmpdir(), 'sy-cli-'));
});
after(() => fake.stop());

interface Proc {
  url: string;
  stdout: string;
  stderr: string;
  kill(): Promise<number | null>;
}

/** Starts the CLI and resolves on its `listening on` line (or rejects with its exit). */
function run(args: string[], env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20000);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)\n/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          get stdout() { return stdout; },
          get stderr() { return stderr; },
          kill: () => new Promise((r) => { child.once('exit', (code) => r(code)); child.kill('SIGTERM'); }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited ${code}: ${stderr}`), { code, stderr }));
    });
  });
}

describe('switchyard serve', () => {
  test('--config FILE --port 0 --host H: prints one listening line, serves the config', async () => {
    const cfg = join(dir, 'gw.yaml');
    writeFileSync(cfg, `providers:\n  up:\n    type: openai\n    base_url: ${fake.url}/v1\n    api_key: \${UPSTREAM_KEY}\nmodels:\n  - id: openai/gpt-4o-mini\n    endpoints:\n      - provider: up\n        model: gpt-4o-mini\n`);
    const p = await run(['serve', '--config', cfg, '--port', '0', '--host', '127.0.0.1'], { UPSTREAM_KEY: 'sk-from-env' });
    try {
      assert.match(p.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(p.stdout.trim().split('\n').length, 1);
      fake.enqueue(completion({ content: 'hello' }));
      const r = await fetch(`${p.url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
      assert.equal(r.status, 200);
      assert.equal((await r.json()).choices[0].message.content, 'hello');
      assert.equal(fake.last!.headers.authorization, 'Bearer sk-from-env');
      assert.ok(!p.stdout.includes('sk-from-env') && !p.stderr.includes('sk-from-env'), 'keys never appear in logs');
      assert.match(p.stderr, /no master key configured/);
    } finally {
      await p.kill();
    }
  });

  test('SWITCHYARD_CONFIG is used when --config is absent', async () => {
    const cfg = join(dir, 'env.json');
    writeFileSync(cfg, JSON.stringify({ models: [], server: { port: 0 } }));
    const p = await run(['serve'], { SWITCHYARD_CONFIG: cfg });
    try {
      const r = await fetch(`${p.url}/api/v1/models`);
      assert.deepEqual((await r.json()).data, []);
    } finally {
      await p.kill();
    }
  });

  test('invalid config → exits non-zero naming the file and path', async () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'providers:\n  a:\n    type: openai\nmodels:\n  - id: m\n    endpoints:\n      - provider: x\n        model: y\n');
    await assert.rejects(run(['serve', '--config', cfg, '--port', '0']), (e: { code: number; stderr: string }) => {
      assert.notEqual(e.code, 0);
      assert.ok(e.stderr.includes(cfg));
      assert.match(e.stderr, /models\[0\]\.endpoints\[0\]\.provider: unknown provider "x"/);
      return true;
    });
  });

  test('refuses to run open on a non-loopback address', async () => {
    const cfg = join(dir, 'open.json');
    writeFileSync(cfg, JSON.stringify({}));
    await assert.rejects(run(['serve', '--config', cfg, '--port', '0', '--host', '0.0.0.0']), (e: { code: number; stderr: string }) => {
      assert.notEqual(e.code, 0);
      assert.match(e.stderr, /refusing to listen on 0\.0\.0\.0 without a master key/);
      return true;
    });
  });

  test('--workers 2: one listening line, connections spread over two processes', async () => {
    const cfg = join(dir, 'workers.json');
    writeFileSync(cfg, JSON.stringify({}));
    const p = await run(['serve', '--config', cfg, '--port', '0', '--workers', '2']);
    try {
      assert.match(p.stdout, /^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
      const pids = new Set<number>();
      for (let i = 0; i < 40 && pids.size < 2; i++) {
        const r = await fetch(`${p.url}/health`, { headers: { connection: 'close' } });
        pids.add((await r.json()).pid);
      }
      assert.equal(pids.size, 2);
      // each worker runs with the gateway's V8 flags, though this primary was started without them
      for (const pid of pids) {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        for (const f of SERVE_NODE_FLAGS) assert.ok(argv.includes(f), `worker ${pid}: ${argv.join(' ')}`);
      }
    } finally {
      await p.kill();
    }
  });

  test('with a master key it binds anywhere and requires the key', async () => {
    const cfg = join(dir, 'keyed.json');
    writeFileSync(cfg, JSON.stringify({ master_key: '${MK}' }));
    const p = await run(['serve', '--config', cfg, '--port', '0', '--host', '0.0.0.0'], { MK: 'sk-master-xyz' });
    try {
      const port = new URL(p.url).port;
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/chat/completions`, { method: 'POST', body: '{}' });
      assert.equal(r.status, 401);
      assert.ok(!p.stdout.includes('sk-master-xyz') && !p.stderr.includes('sk-master-xyz'));
    } finally {
      await p.kill();
    }
  });
});
