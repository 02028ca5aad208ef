/**
 * The Portkey gateway as a bench peer (`--peer portkey`): installed on demand into a temp folder
 * (never into this repo), with `@hono/node-server` pinned to 1.14.1 through npm `overrides`
 * (1.15.2 answers every stream with HTTP 500 on newer ones), and pointed at the fake upstream
 * with its routing headers: `x-portkey-provider: openai` + `x-portkey-custom-host`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, type Proc } from './targets.js';

export const PORTKEY_VERSION = '1.15.2';

/** Installs the gateway once per machine (npm registry); returns its entry script. */
export function ensurePortkey(): string {
  const dir = join(tmpdir(), `switchyard-bench-portkey-${PORTKEY_VERSION}`);
  const entry = join(dir, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (existsSync(entry)) return entry;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'switchyard-bench-portkey', private: true, dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION }, overrides: { '@hono/node-server': '1.14.1' } }, null, 2),
  );
  process.stderr.write(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} …\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(entry)) throw new Error(`npm install did not produce ${entry}`);
  return entry;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPortkey(upstreamUrl: string): Promise<Proc> {
  const entry = ensurePortkey();
  const port = await freePort();
  return start(`portkey ${PORTKEY_VERSION}`, [entry, `--port=${port}`, '--headless'], {
    plain: true,
    env: { NODE_ENV: 'production' },
    ready: /Ready for connections/,
    url: `http://127.0.0.1:${port}`,
    path: '/v1/chat/completions',
    model: 'gpt-bench',
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamUrl}/v1` },
  });
}
