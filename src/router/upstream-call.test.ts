/**
 * The upstream body read through undici's dispatch API, against a real HTTP server on 127.0.0.1:
 * each reader (text, each, async iteration), chunks handed over as they arrive, stopping early,
 * resets, aborts, timeouts, back-pressure and keep-alive reuse.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../schema/errors.js';
import { HIGH_WATER } from './upstream-call.js';
import { UpstreamClient } from './upstream.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('UpstreamClient: bodies read through dispatch', { timeout: 20_000 }, () => {
  let server: Server;
  let base: string;
  let handler: Handler = () => undefined;
  const sockets = new Set<Socket>();
  const client = new UpstreamClient();
  let socketsSeen = 0;

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => handler(req, res));
    });
    server.on('connection', (s: Socket) => {
      socketsSeen++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await client.close();
    for (const s of sockets) s.destroy();
    server.close();
  });

  const send = (opts: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
    client.send(
      { method: 'POST', url: `${base}/v1/x`, headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      { signal: opts.signal ?? new AbortController().signal, timeoutMs: opts.timeoutMs ?? 5_000, providerName: 'fake' },
    );

  it('text(): a body in several writes, multi-byte characters split across them, and the parsed headers', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] });
      const bytes = Buffer.from('{"text":"h€llo ✓"}');
      res.write(bytes.subarray(0, 11)); // inside the €
      setTimeout(() => res.end(bytes.subarray(11)), 10);
    };
    const r = await send();
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.headers['x-multi'], ['a', 'b']);
    assert.equal(await r.body.text(), '{"text":"h€llo ✓"}');
  });

  it('each(): every chunk reaches the reader before the upstream sends the next', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      void released.then(() => res.end('data: 2\n\n'));
    };
    const r = await send();
    const seen: string[] = [];
    await r.body.each((c) => {
      seen.push(Buffer.from(c).toString());
      if (seen.length === 1) release(); // the server holds the rest until the first chunk was read
    });
    assert.deepEqual(seen, ['data: 1\n\n', 'data: 2\n\n']);
  });

  it('each(): returning false stops reading, resolves, and drops the connection (the upstream sees it close)', async () => {
    let closed!: Promise<unknown>;
    handler = (_req, res) => {
      closed = once(res, 'close');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      // never ends on its own
    };
    const r = await send();
    let calls = 0;
    await r.body.each(() => {
      calls++;
      return false;
    });
    assert.equal(calls, 1);
    await closed;
    r.body.destroy(); // after the end: a no-op
  });

  it('a reset mid-body rejects the reader with the transport error; before the head, send() fails with a 502', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n', () => setTimeout(() => req.socket.destroy(), 10));
    };
    const r = await send();
    const seen: string[] = [];
    await assert.rejects(
      r.body.each((c) => void seen.push(Buffer.from(c).toString())),
      (e: Error & { code?: string }) => typeof e.code === 'string' && e.code.startsWith('UND_ERR'),
    );
    assert.deepEqual(seen, ['data: 1\n\n']);

    handler = (req) => req.socket.destroy();
    await assert.rejects(send(), (e: unknown) => e instanceof GatewayError && e.status === 502 && e.retryable === true);
  });

  it('send() never throws: a malformed URL and a refused connection reject with a GatewayError naming the provider', async () => {
    const opts = { signal: new AbortController().signal, timeoutMs: 5_000, providerName: 'fake' };
    const bad = (() => client.send({ method: 'POST', url: 'not a url', headers: {}, body: '{}' }, opts))();
    await assert.rejects(bad, (e: unknown) => e instanceof GatewayError && e.status === 502 && e.metadata?.provider_name === 'fake');
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    await assert.rejects(
      client.send({ method: 'POST', url: `http://127.0.0.1:${port}/v1/x`, headers: {}, body: '{}' }, opts),
      (e: unknown) => e instanceof GatewayError && e.status === 502 && e.retryable === true && e.metadata?.provider_code === 'ECONNREFUSED',
    );
  });

  it('the caller aborting: mid-body the reader rejects with an AbortError; before the head send() fails with 499', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    };
    const ac = new AbortController();
    const r = await send({ signal: ac.signal });
    await assert.rejects(
      r.body.each(() => ac.abort()),
      (e: Error) => e.name === 'AbortError',
    );

    handler = () => undefined; // never answers
    const ac2 = new AbortController();
    const pending = send({ signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    await assert.rejects(pending, (e: unknown) => e instanceof GatewayError && e.status === 499);

    const ac3 = new AbortController();
    ac3.abort();
    await assert.rejects(send({ signal: ac3.signal }), (e: unknown) => e instanceof GatewayError && e.status === 499);
  });

  it('timeouts: no head in time → 408; a body that stalls → the reader rejects with the body timeout', async () => {
    handler = () => undefined;
    await assert.rejects(send({ timeoutMs: 100 }), (e: unknown) => e instanceof GatewayError && e.status === 408);

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    };
    const r = await send({ timeoutMs: 150 });
    await assert.rejects(r.body.text(), (e: Error & { code?: string }) => e.code === 'UND_ERR_BODY_TIMEOUT');
  });

  it('back-pressure: with no reader the socket pauses past HIGH_WATER, and async iteration later reads every byte in order', async () => {
    const piece = Buffer.alloc(16 * 1024, 'x');
    const pieces = 2048; // 32 MiB: past HIGH_WATER and what the loopback socket buffers hold
    let writes = 0;
    let blocked = false;
    let finished!: Promise<unknown>;
    handler = (_req, res) => {
      finished = once(res, 'finish');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = () => {
        while (writes < pieces) {
          const b = Buffer.from(piece);
          b.writeUInt32BE(writes, 0);
          writes++;
          if (!res.write(b)) {
            blocked = true;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    const r = await send();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(blocked && writes < pieces, `the upstream should be held back (wrote ${writes} of ${pieces})`);
    assert.ok(HIGH_WATER < pieces * piece.length);
    const got: Buffer[] = [];
    for await (const c of r.body) got.push(Buffer.from(c));
    await finished;
    const all = Buffer.concat(got);
    assert.equal(all.length, pieces * piece.length);
    for (let i = 0; i < pieces; i++) assert.equal(all.readUInt32BE(i * piece.length), i);
  });

  it('a body read to its end leaves the connection for the next request (keep-alive)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    };
    await (await send()).body.text(); // a connection known to be idle now
    const before = socketsSeen;
    for (let i = 0; i < 3; i++) {
      const r = await send();
      await r.body.each(() => undefined);
      r.body.destroy(); // after the end: does not drop the connection
      assert.equal(socketsSeen, before, `request ${i + 1} opened a new connection`);
    }
  });

  it('one reader per body, whether the body is still coming or already complete', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.end('{}'), 20);
    };
    const r = await send();
    const first = r.body.text();
    await assert.rejects(r.body.text(), /already being read/);
    await assert.rejects(r.body.each(() => undefined), /already being read/);
    assert.throws(() => r.body[Symbol.asyncIterator](), /already being read/);
    assert.equal(await first, '{}');
    await assert.rejects(r.body.text(), /already being read/);
  });
});
