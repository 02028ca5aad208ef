/**
 * Regression guard for the request hot path (not a timing test): after warm-up, serving requests
 * compiles no JSON Schema (Ajv) and does no synchronous I/O.
 * - Schema compilation is counted on Ajv's one internal compile entry point.
 * - Synchronous I/O is detected by Node itself: a gateway process run with --trace-sync-io prints
 *   "Detected use of sync API" with a stack for every sync call after the first tick.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import { searchGutenbergTool } from '../fixtures/books.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';
import { listeningUrl } from '../helpers/spawned.js';

const require = createRequire(import.meta.url);
const AjvCore = require('ajv/dist/core').default as { prototype: Record<string, (...a: unknown[]) => unknown> };

let fake: FakeServer;
let gw: TestGateway;
let dir: string;

before(async () => {
  fake = await startFakeOpenAI({ fallback: (req) => (req.body?.stream ? stream(streamFrames({ toolCalls: [{ id: 'call_1', name: 'search_gutenberg_books', args: ['{"search_terms":["x"]}'] }] })) : completion({ tool_calls: [{ id: 'call_1', name: 'search_gutenberg_books', arguments: '{"search_terms":["x"]}' }] })) });
  dir = mkdtempSync(join(tmpdir(), 'sy-guard-'));
  gw = await startGateway({ ...openaiConfig(fake.url), storage: { path: join(dir, 'g.db') } });
});
after(async () => {
  await gw.close();
  await fake.stop();
});

const body = (stream: boolean, i: number) =>
  JSON.stringify({
    model: 'openai/gpt-4o-mini',
    stream,
    messages: [{ role: 'user', content: `q${i}` }],
    tools: [searchGutenbergTool, { type: 'function', function: { name: 'other', parameters: { type: 'object', properties: { n: { type: 'integer' } } } } }],
  });

async function send(url: string, stream: boolean, i: number): Promise<void> {
  const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(stream, i) });
  assert.equal(r.status, 200);
  await r.text();
}

test('no JSON Schema compilation per request', async () => {
  for (let i = 0; i < 5; i++) {
    await send(gw.url, false, i);
    await send(gw.url, true, i);
  }
  const original = AjvCore.prototype._compileSchemaEnv!;
  let compiles = 0;
  AjvCore.prototype._compileSchemaEnv = function (this: unknown, ...args: unknown[]) {
    compiles++;
    return original.apply(this, args);
  };
  try {
    for (let i = 0; i < 20; i++) {
      await send(gw.url, false, i);
      await send(gw.url, true, i);
    }
  } finally {
    AjvCore.prototype._compileSchemaEnv = original;
  }
  assert.equal(compiles, 0, `${compiles} schema compilations on the request path`);
});

test('no synchronous I/O on the request path (node --trace-sync-io)', async () => {
  const cfg = join(dir, 'cfg.json');
  // the generation log flushes (to its writer thread) inside the measured window
  writeFileSync(cfg, JSON.stringify({ ...openaiConfig(fake.url), storage: { path: join(dir, 'p.db') }, generations: { flush_ms: 20 } }));
  const child = spawn(process.execPath, ['--trace-sync-io', '--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', cfg, '--port', '0'], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const url = await listeningUrl(child, { stderr: () => stderr });
    // warm-up requests may lazily load modules; measure only after them. The first flush starts
    // the log's writer thread (its modules load off the main thread, once): wait for it too
    for (let i = 0; i < 3; i++) {
      await send(url, false, i);
      await send(url, true, i);
    }
    await new Promise((r) => setTimeout(r, 300));
    const mark = stderr.length;
    for (let i = 0; i < 10; i++) {
      await send(url, false, i);
      await send(url, true, i);
    }
    await new Promise((r) => setTimeout(r, 200));
    const during = stderr.slice(mark);
    assert.doesNotMatch(during, /Detected use of sync API/, during.slice(0, 3000));
  } finally {
    child.kill('SIGTERM');
  }
});
