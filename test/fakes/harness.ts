/**
 * The wire-level fake harness every provider fake is built on: a real HTTP server on 127.0.0.1
 * that records every request it gets (method, path, headers, raw and parsed body) and answers
 * with scripted replies: JSON, or a byte stream cut at arbitrary boundaries, with delays,
 * connection resets and garbage. Provider fakes add protocol validation and native builders.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  /** Parsed JSON body, or undefined when the body was not JSON. */
  body: any;
  /** Set when the client closed the connection before the reply finished. */
  closedAt?: number;
  receivedAt: number;
}

/** How a streamed reply's bytes are cut into writes. */
export type Fragmenting =
  | 'frame' // one write per frame
  | 'byte' // one write per byte
  | { every: number } // fixed-size writes
  | { random: number }; // random sizes 1..n (seeded)

export type Reply =
  | { kind: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'raw'; status?: number; headers?: Record<string, string>; body: string | Buffer }
  | {
      kind: 'stream';
      status?: number;
      headers?: Record<string, string>;
      /** The stream's frames (already in the wire format, e.g. `data: {...}\n\n`), as strings or bytes. */
      frames: (string | Buffer)[];
      fragment?: Fragmenting;
      /** Wait before the response headers, ms. */
      headerDelayMs?: number;
      /** Wait between writes, ms. */
      delayMs?: number;
      /** Destroy the socket after this many frames (a reset mid-stream). */
      resetAfterFrames?: number;
      /** Never end the response (a hung stream); the client must give up. */
      hang?: boolean;
    }
  | { kind: 'reset' } // destroy the connection without answering
  | { kind: 'hang' } // accept and never answer
  | { kind: 'delay'; ms: number; then: Reply };

/** A reply, or a function of the request that returns one (to check what the gateway sent). */
export type Script = Reply | ((req: RecordedRequest) => Reply | Promise<Reply>);

export interface FakeServerOptions {
  /** Checks a request as the real API would; return an error reply to reject it. */
  validate?: (req: RecordedRequest) => Reply | undefined;
  /** Reply used when the script queue is empty. */
  fallback?: Script;
}

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  url = '';
  port = 0;

  constructor(private readonly opts: FakeServerOptions = {}) {}

  /** Queue replies for the next requests, in order. */
  enqueue(...scripts: Script[]): this {
    this.queue.push(...scripts);
    return this;
  }

  get last(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body, receivedAt: Date.now() };
    this.requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.closedAt = Date.now();
    });
    const invalid = this.opts.validate?.(rec);
    const script = invalid ?? this.queue.shift() ?? this.opts.fallback;
    if (script === undefined) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'fake server: no scripted reply left' } }));
      return;
    }
    const reply = typeof script === 'function' ? await script(rec) : script;
    await this.play(reply, req, res);
  }

  private async play(reply: Reply, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (reply.kind) {
      case 'delay':
        await sleep(reply.ms);
        return this.play(reply.then, req, res);
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'json': {
        const text = JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
        return;
      }
      case 'raw':
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body);
        return;
      case 'stream': {
        if (reply.headerDelayMs) await sleep(reply.headerDelayMs);
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', ...reply.headers });
        res.flushHeaders();
        const rng = seeded(42);
        for (let i = 0; i < reply.frames.length; i++) {
          if (reply.resetAfterFrames !== undefined && i >= reply.resetAfterFrames) {
            req.socket.destroy();
            return;
          }
          if (res.destroyed) return;
          const bytes = Buffer.isBuffer(reply.frames[i]) ? (reply.frames[i] as Buffer) : Buffer.from(reply.frames[i] as string, 'utf8');
          for (const piece of cut(bytes, reply.fragment ?? 'frame', rng)) {
            if (res.destroyed) return;
            res.write(piece);
            if (reply.delayMs) await sleep(reply.delayMs);
            else if (reply.fragment !== undefined && reply.fragment !== 'frame') await new Promise((r) => setImmediate(r));
          }
        }
        if (reply.hang) return;
        res.end();
        return;
      }
    }
  }
}

function cut(bytes: Buffer, how: Fragmenting, rng: () => number): Buffer[] {
  if (how === 'frame') return [bytes];
  const size = how === 'byte' ? () => 1 : 'every' in how ? () => how.every : () => 1 + Math.floor(rng() * how.random);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = size();
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `data: <json>\n\n` */
export const sse = (obj: unknown) => `data: ${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n\n`;
/** `event: <name>\ndata: <json>\n\n` */
export const sseEvent = (event: string, obj: unknown) => `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`;
