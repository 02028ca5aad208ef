/**
 * Recording at the upstream HTTP layer, against a real server on 127.0.0.1: the exchange the
 * router gets back is the upstream's (status, headers, the whole body) while a cassette is written.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UpstreamClient } from '../../router/upstream.js';
import type { ProviderConfig } from '../types.js';
import { recordingHooks } from './record.js';

test('a recorded exchange keeps the upstream status, headers and body for the router', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-record-'));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'x-upstream': 'fake' });
      res.end('{"error":{"message":"slow down"}}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider: ProviderConfig = { name: 'rec', type: 'openai', base_url: base, headers: {}, timeout_ms: 5000, record_dir: dir };
  const client = new UpstreamClient({}, recordingHooks({ providers: new Map([['rec', provider]]) }));
  t.after(async () => {
    await client.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const res = await client.send(
    { method: 'POST', url: `${base}/v1/chat/completions`, headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' },
    { signal: new AbortController().signal, timeoutMs: 5000, providerName: 'rec' },
  );
  assert.equal(res.status, 429);
  // the router reads these (retry-after drives its retry rounds) from what the recording hook returned
  assert.equal(res.headers['retry-after'], '7');
  assert.equal(res.headers['x-upstream'], 'fake');
  assert.equal(await res.body.text(), '{"error":{"message":"slow down"}}');

  for (let i = 0; i < 50 && readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.json')).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1);
  const cassette = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'));
  assert.equal(cassette.response.status, 429);
  assert.equal(cassette.response.headers['retry-after'], '7');
});
