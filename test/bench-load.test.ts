/**
 * The bench's load generator (bench/load.ts) against a real HTTP server: its reader must count
 * each answer once, whole, however the bytes are split, or the bench's figures are wrong.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { test } from 'node:test';
import { LoadClient } from '../bench/load.js';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${Buffer.concat(chunks).toString()}`);
      handler!(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

const target = (url: string) => ({ url, path: '/v1/x', headers: { 'content-type': 'application/json' }, body: '{"a":"ü"}' });

test('content-length answers: every request started is answered and counted once, the body sent as given', async () => {
  const { server, url, seen } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
    res.end('{"ok":true}');
  });
  const client = new LoadClient(target(url), 4);
  const r = await client.run(150);
  client.close();
  server.close();
  assert.equal(r.errors, 0);
  assert.ok(r.requests > 20, `${r.requests} requests`);
  assert.equal(seen.length, r.requests, 'the server saw exactly the requests counted');
  assert.equal(seen[0], 'POST /v1/x application/json {"a":"ü"}');
  assert.equal(r.latencies.length, r.requests);
  assert.ok(r.ms >= 140 && r.ms < 400, `slice ${r.ms} ms`); // timers may fire a little early
});

test('chunked answers written in pieces, split across reads, are read to their zero chunk', async () => {
  const { server, url, seen } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"n":1}\n\n');
    setTimeout(() => {
      res.write('data: {"n":2}\n\n'.repeat(50));
      setTimeout(() => res.end('data: [DONE]\n\n'), 2);
    }, 2);
  });
  const client = new LoadClient(target(url), 3);
  const r = await client.run(100);
  client.close();
  server.close();
  assert.equal(r.errors, 0);
  assert.ok(r.requests >= 3);
  assert.equal(seen.length, r.requests);
  assert.ok(Math.min(...r.latencies) >= 3, 'an answer is complete only after its last piece');
});

test('a non-200 answer is an error; the connection goes on serving', async () => {
  let n = 0;
  const { server, url } = await serve((_req, res) => {
    const status = n++ % 2 === 0 ? 500 : 200;
    res.writeHead(status, { 'content-length': 2 });
    res.end('{}');
  });
  const client = new LoadClient(target(url), 1);
  const r = await client.run(100);
  client.close();
  server.close();
  assert.ok(r.requests >= 4);
  assert.equal(r.errors, Math.ceil(r.requests / 2));
  assert.equal(r.latencies.length, r.requests - r.errors);
});

test('connections the server closed while idle are opened again by the next slice, with no error', async () => {
  const { server, url, seen } = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': 2 });
    res.end('{}');
  });
  server.keepAliveTimeout = 20;
  const client = new LoadClient(target(url), 2);
  const a = await client.run(50);
  await new Promise((r) => setTimeout(r, 150)); // past the server's keep-alive timeout
  const b = await client.run(50);
  client.close();
  server.close();
  assert.equal(a.errors + b.errors, 0);
  assert.ok(b.requests > 0);
  assert.equal(seen.length, a.requests + b.requests);
});

test('a target that stops answering ends the slice after the timeout, its requests counted as errors', async () => {
  const { server, url } = await serve(() => {
    /* never answers */
  });
  const client = new LoadClient(target(url), 3);
  const t0 = performance.now();
  const r = await client.run(30, 100);
  client.close();
  server.closeAllConnections();
  server.close();
  assert.equal(r.requests, 3);
  assert.equal(r.errors, 3);
  assert.ok(performance.now() - t0 < 1000);
});
