/**
 * Micro-benchmark of the OpenAI streaming hot path, in process: upstream SSE bytes (bench/workload.ts
 * OPENAI_SSE) → SseDecoder → OpenAI stream parser → StreamRenderer → ResponseSink → a real
 * node:http ServerResponse on a socket that discards what it is given. CPU µs per stream
 * (process.cpuUsage, median of runs), res.write calls and socket writes per stream, and the same
 * pipeline on a real local node:http server (res.write calls per stream, frames of a read not
 * held until the next read).
 *
 *   node --import tsx bench/micro/sse.ts [--base DIR] [--iters N] [--runs N]
 *
 * --base DIR: also load the modules from DIR/src (e.g. `git archive REV src | tar -x -C DIR`) and
 * measure them interleaved with the working tree's, for before/after in one run. --current DIR:
 * the working tree's modules from DIR/src instead of ./src. Where DIR/src holds compiled .js files
 * (tsc --outDir DIR/src) those are loaded: tsx's transform adds a __name() call to every closure.
 * The figures in the commit messages were taken so (REV = the revision before, . = the work tree):
 *
 *   mkdir -p /tmp/base && git archive REV src package.json | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/
 *   for t in /tmp/base:/tmp/build-base .:/tmp/build-cur; do src=${t%%:*} out=${t##*:}
 *     mkdir -p $out && echo '{"type":"module"}' > $out/package.json && ln -sfn $PWD/node_modules $out/node_modules
 *     npx tsc --ignoreConfig --target ES2022 --module NodeNext --moduleResolution NodeNext --strict --skipLibCheck \
 *       --types node --rootDir $src/src --outDir $out/src $src/src/server/sse-sink.ts $src/src/server/render.ts \
 *       $src/src/providers/openai/stream.ts $src/src/providers/shared/sse.ts; done
 *   node --import tsx bench/micro/sse.ts --base /tmp/build-base --current /tmp/build-cur --iters 10000 --runs 7
 */
import { existsSync } from 'node:fs';
import { createServer, IncomingMessage, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { OPENAI_SSE } from '../workload.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1]!;
};
const ITERS = Number(opt('--iters', '20000'));
const RUNS = Number(opt('--runs', '3'));
const BASE = opt('--base', '');
const CURRENT = opt('--current', '');
const ONLY = opt('--only', '');

interface Impl {
  name: string;
  SseDecoder: new (cb: (ev: { data: string }) => void) => { push(b: Uint8Array): void; end(): void };
  createOpenAIStreamParser: (ctx: any, emit: (e: any) => void) => { push(b: Uint8Array): void; end(): void | Promise<void> };
  StreamRenderer: new (meta: any, write: (f: string) => void) => { event(e: any): void; end(): void; finished: boolean };
  ResponseSink: new (res: ServerResponse, id: string, keepaliveMs: number) => { write(f: string): void; end(): void; stopComments(): void };
}

async function load(name: string, root: string): Promise<Impl> {
  // compiled JavaScript when ROOT holds it (as the gateway runs), else the TypeScript sources through tsx
  const m = (p: string) => import(pathToFileURL(resolve(root, existsSync(resolve(root, p.replace(/\.ts$/, '.js'))) ? p.replace(/\.ts$/, '.js') : p)).href);
  const [sse, stream, render, sink] = await Promise.all([
    m('providers/shared/sse.ts'),
    m('providers/openai/stream.ts'),
    m('server/render.ts'),
    m('server/sse-sink.ts'),
  ]);
  return { name, SseDecoder: sse.SseDecoder, createOpenAIStreamParser: stream.createOpenAIStreamParser, StreamRenderer: render.StreamRenderer, ResponseSink: sink.ResponseSink };
}

const bytes = Buffer.from(OPENAI_SSE);
const events = OPENAI_SSE.split(/(?<=\n\n)/).map((s) => Buffer.from(s));
const PIECES: Record<string, Uint8Array[]> = {
  whole: [bytes],
  'per-event': events,
  '64B': Array.from({ length: Math.ceil(bytes.length / 64) }, (_, i) => bytes.subarray(i * 64, (i + 1) * 64)),
};

const ctx = { provider: { name: 'openai' }, generationId: 'gen-1733000000-abcdefghijklmnopqrst' };
const meta = () => ({ id: ctx.generationId, created: 1733000000, model: 'bench/model', provider: 'openai', pricing: { prompt: '0.00000015', completion: '0.0000006' }, excludeReasoning: false });

/** A ServerResponse on a socket that swallows everything (with writev, as a net.Socket has). */
let socketWrites = 0;
let resWrites = 0;
let outBytes = 0;
function nullResponse(): ServerResponse {
  const sock = new Duplex({
    write(c: Buffer, _e, cb) {
      socketWrites++;
      outBytes += c.length;
      cb();
    },
    writev(chunks, cb) {
      socketWrites++;
      for (const c of chunks) outBytes += (c.chunk as Buffer).length;
      cb();
    },
    read() {},
  });
  const req = new IncomingMessage(sock as any);
  req.method = 'POST';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  const res = new ServerResponse(req);
  res.assignSocket(sock as any);
  const w = res.write;
  res.write = function (this: ServerResponse, ...a: any[]) {
    resWrites++;
    return (w as any).apply(this, a);
  } as any;
  return res;
}

/** One stream as execute.ts readStream + chat.ts do it; each upstream read in its own macrotask, as from a socket. */
async function oneStream(impl: Impl, pieces: Uint8Array[], res: ServerResponse): Promise<void> {
  const sink = new impl.ResponseSink(res, ctx.generationId, 0);
  const renderer = new impl.StreamRenderer(meta(), (f) => sink.write(f));
  const parser = impl.createOpenAIStreamParser(ctx, (e) => renderer.event(e));
  for (const p of pieces) {
    await new Promise((r) => setImmediate(r));
    parser.push(p);
    if (renderer.finished) break;
  }
  if (!renderer.finished) await parser.end();
  if (!renderer.finished) renderer.end();
  sink.stopComments();
  sink.end();
}

/** Control: the response alone (created, headers, end) and one macrotask, to subtract from the pipeline. */
async function controlRun(iters: number): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) {
    const res = nullResponse();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end();
    await new Promise((r) => setImmediate(r));
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / iters;
}

async function pipelineRun(impl: Impl, pieces: Uint8Array[], iters: number): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) {
    await oneStream(impl, pieces, nullResponse());
    // a macrotask between streams, as between requests: Node's autocork uncork and the socket
    // callbacks are process.nextTick work, which runs only once the microtask chain is idle
    await new Promise((r) => setImmediate(r));
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / iters;
}

/** CPU µs per call of `once` over `iters` calls; `produced()` must be > 0 after (the work was not optimized away). */
function cpuPerCall(iters: number, once: () => void, produced: () => number, what: string): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) once();
  const t = process.cpuUsage(t0);
  if (produced() === 0) throw new Error(`no ${what}`);
  return (t.user + t.system) / iters;
}

/** Pieces pushed through a fresh push/end consumer per call (the decoder alone, or decoder + parser), its output counted. */
function consumerRun(pieces: Uint8Array[], iters: number, make: (count: (k: number) => void) => { push(b: Uint8Array): void; end(): void }): number {
  let n = 0;
  const count = (k: number) => (n += k);
  return cpuPerCall(iters, () => {
    const c = make(count);
    for (const p of pieces) c.push(p);
    c.end();
  }, () => n, 'events');
}

/** Decoder alone. */
const decoderRun = (impl: Impl, pieces: Uint8Array[], iters: number) => consumerRun(pieces, iters, (count) => new impl.SseDecoder((ev) => count(ev.data.length)));

/** Decoder + parser, events dropped. */
const parserRun = (impl: Impl, pieces: Uint8Array[], iters: number) => consumerRun(pieces, iters, (count) => impl.createOpenAIStreamParser(ctx, () => count(1)));

/** Renderer alone, replaying the canonical events of the workload, frames dropped. */
function rendererRun(impl: Impl, evs: unknown[], iters: number): number {
  let n = 0;
  return cpuPerCall(iters, () => {
    const r = new impl.StreamRenderer(meta(), (f) => (n += f.length));
    for (const e of evs) r.event(e);
    r.end();
  }, () => n, 'frames');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => x.toFixed(2).padStart(7);

/** The same pipeline on a real node:http server: res.write calls per stream, and when frames arrive. */
async function realServer(impl: Impl, pieces: Uint8Array[], streams: number): Promise<{ writes: number; heldBack: number }> {
  let writes = 0;
  let heldBack = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const w = res.write;
      res.write = function (this: ServerResponse, ...a: any[]) {
        writes++;
        return (w as any).apply(this, a);
      } as any;
      const sink = new impl.ResponseSink(res, ctx.generationId, 0);
      const renderer = new impl.StreamRenderer(meta(), (f) => sink.write(f));
      const parser = impl.createOpenAIStreamParser(ctx, (e) => renderer.event(e));
      for (const p of pieces) {
        parser.push(p);
        // the next upstream read comes in a later macrotask: by then this read's frames must be out
        await new Promise((r) => setImmediate(r));
        heldBack += pendingFrames(sink);
        if (renderer.finished) break;
      }
      if (!renderer.finished) await parser.end();
      if (!renderer.finished) renderer.end();
      sink.stopComments();
      sink.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  for (let i = 0; i < streams; i++) {
    await new Promise<void>((done, fail) => {
      const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => (body.endsWith('data: [DONE]\n\n') ? done() : fail(new Error('stream did not end with [DONE]'))));
      });
      r.on('error', fail);
      r.end('{}');
    });
  }
  await new Promise((r) => server.close(r));
  return { writes: writes / streams, heldBack };
}

/** Frames the sink still holds after the tick of their read (0 for a sink that writes at once). */
function pendingFrames(sink: unknown): number {
  const s = sink as { buffered?: string };
  return typeof s.buffered === 'string' && s.buffered !== '' ? 1 : 0;
}

async function main(): Promise<void> {
  const impls = [await load('current', CURRENT !== '' ? resolve(CURRENT, 'src') : resolve(import.meta.dirname, '../../src'))];
  if (BASE !== '') impls.unshift(await load('base', resolve(BASE, 'src')));

  // the canonical events of the workload, for the renderer-only run
  const evs: unknown[] = [];
  const p = impls[0]!.createOpenAIStreamParser(ctx, (e) => evs.push(e));
  p.push(bytes);
  p.end();

  // warm-up
  for (const impl of impls)
    for (const pieces of Object.values(PIECES)) {
      await pipelineRun(impl, pieces, 2000);
      decoderRun(impl, pieces, 2000);
      parserRun(impl, pieces, 2000);
    }
  for (const impl of impls) rendererRun(impl, evs, 2000);

  console.log(`CPU µs per stream, median of ${RUNS} runs × ${ITERS} streams (node ${process.version})`);
  console.log(`${'impl'.padEnd(8)} ${'pieces'.padEnd(10)} ${'decoder'.padStart(7)} ${'+parser'.padStart(7)} ${'pipeline'.padStart(8)}  res.write/stream  socket writes/stream`);
  const ctl: number[] = [];
  for (let run = 0; run < RUNS; run++) ctl.push(await controlRun(ITERS));
  console.log(`control (response created, headers, end, one macrotask): ${fmt(median(ctl))} µs`);
  for (const [name, pieces] of Object.entries(PIECES)) {
    if (ONLY !== '' && !ONLY.split(',').includes(name)) continue;
    const rows = new Map<string, { dec: number[]; par: number[]; pipe: number[] }>();
    for (let run = 0; run < RUNS; run++)
      for (const impl of impls) {
        const row = rows.get(impl.name) ?? { dec: [], par: [], pipe: [] };
        rows.set(impl.name, row);
        row.dec.push(decoderRun(impl, pieces, ITERS));
        row.par.push(parserRun(impl, pieces, ITERS));
        row.pipe.push(await pipelineRun(impl, pieces, ITERS));
      }
    for (const impl of impls) {
      const row = rows.get(impl.name)!;
      resWrites = 0;
      socketWrites = 0;
      for (let i = 0; i < 100; i++) {
        await oneStream(impl, pieces, nullResponse());
        await new Promise((r) => setImmediate(r));
      }
      console.log(`${impl.name.padEnd(8)} ${name.padEnd(10)} ${fmt(median(row.dec))} ${fmt(median(row.par))} ${fmt(median(row.pipe)).padStart(8)}  ${(resWrites / 100).toFixed(1).padStart(16)}  ${(socketWrites / 100).toFixed(1).padStart(20)}`);
    }
  }
  const ren = new Map<string, number[]>();
  for (let run = 0; run < RUNS; run++) for (const impl of impls) ren.set(impl.name, [...(ren.get(impl.name) ?? []), rendererRun(impl, evs, ITERS)]);
  for (const impl of impls) console.log(`renderer alone (${impl.name}): ${fmt(median(ren.get(impl.name)!))} µs per stream`);

  console.log('real node:http server, 200 streams each:');
  for (const impl of impls)
    for (const [name, pieces] of Object.entries(PIECES)) {
      if (ONLY !== '' && !ONLY.split(',').includes(name)) continue;
      const r = await realServer(impl, pieces, 200);
      console.log(`  ${impl.name.padEnd(8)} ${name.padEnd(10)} res.write per stream ${r.writes.toFixed(1)}, reads whose frames waited past their tick: ${r.heldBack}`);
    }
}

await main();
