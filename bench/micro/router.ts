/**
 * Micro-benchmark of the router's attempt loop, in process: a parsed, validated request through
 * `Router.chat` (planner, attempt, upstream exchange over a real undici Pool, the answer read and
 * rendered) against an in-process node:http upstream that answers the bench's fixed tool call
 * (bench/workload.ts), JSON or SSE into a sink that counts the frames. CPU µs per request
 * (process.cpuUsage, the upstream server's share included, alike for both builds), with `--conc`
 * requests in flight. With `--alloc`, instead: bytes allocated per request by each build (V8's
 * sampling heap profiler, objects the GC already collected included): a figure the host's noise
 * does not move, and what sets how often the scavenger runs; `--sites K` also lists each build's
 * K largest allocation sites (function, file:line, bytes per request).
 *
 *   node --import tsx bench/micro/router.ts --base DIR [--current DIR] [--mode json|sse] [--n 4000] [--rounds 8] [--conc 16] [--verbose] [--alloc [--sites K]]
 *
 * DIR: a compiled tree whose src/ holds the gateway's modules as .js; `--base` the revision
 * before, `--current` (default: the bench build, node_modules/.cache/switchyard-bench) the work
 * tree. Both are loaded in one process and run in alternate rounds, so the host's drift tilts
 * neither; B/A per round and its median are printed. The compiled builds:
 *
 *   npx tsc -p bench/tsconfig.json                      # the work tree → node_modules/.cache/switchyard-bench
 *   node --import tsx bench/ab.ts --compare REV ...     # or any run that calls buildRevision(REV): /tmp/switchyard-bench-rev-<sha>/build
 *   node --import tsx bench/micro/router.ts --base /tmp/switchyard-bench-rev-<sha>/build
 *
 * (The gateway's modules run compiled; only this file's own few closures go through tsx, alike for A and B.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../targets.js';
import { OPENAI_JSON, OPENAI_SSE, REQUEST } from '../workload.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '' },
    current: { type: 'string', default: 'node_modules/.cache/switchyard-bench' },
    mode: { type: 'string', default: 'sse' },
    n: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '8' },
    conc: { type: 'string', default: '16' },
    verbose: { type: 'boolean', default: false },
    alloc: { type: 'boolean', default: false },
    sites: { type: 'string', default: '0' },
  },
});
if (values.base === '') {
  process.stderr.write('bench/micro/router: give --base DIR (a compiled tree with src/*.js)\n');
  process.exit(2);
}
const STREAM = values.mode === 'sse';
const N = Number(values.n);
const CONC = Number(values.conc);
const VERBOSE = values.verbose === true;

const json = Buffer.from(OPENAI_JSON);
const sse = Buffer.from(OPENAI_SSE);
const upstream = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const a = body.includes('"stream":true') ? sse : json;
    res.writeHead(200, { 'content-type': a === sse ? 'text/event-stream' : 'application/json', 'content-length': a.length });
    res.end(a);
  });
});
upstream.keepAliveTimeout = 60_000;
await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

interface Impl {
  name: string;
  /** One request end to end; resolves with the bytes produced (frames or the response's content). */
  one(body: string): Promise<number>;
  close(): Promise<void>;
}

async function load(name: string, root: string): Promise<Impl> {
  const m = (p: string) => import(pathToFileURL(resolve(root, 'src', p)).href);
  const [{ parseConfig }, { Catalog }, { UpstreamClient }, { Router }, { validateChatRequest }, { parseJsonWithRaw }, { RequestAbort }] = await Promise.all([
    m('config/load.js'),
    m('router/catalog.js'),
    m('router/upstream.js'),
    m('router/execute.js'),
    m('schema/validate.js'),
    m('schema/raw-json.js'),
    m('server/abort.js'),
  ]);
  const doc = {
    providers: { bench: { type: 'openai', base_url: `${upstreamUrl}/v1`, api_key: 'sk-bench' } },
    models: [{ id: 'bench/model', endpoints: [{ provider: 'bench', model: 'gpt-bench', pricing: { prompt: '0.000001', completion: '0.000002' } }] }],
  };
  const { config } = parseConfig(doc, 'micro');
  const client = new UpstreamClient();
  const router = new Router(new Catalog(config), client);
  let seq = 0;
  return {
    name,
    async one(body: string): Promise<number> {
      const parsed = parseJsonWithRaw(body);
      const canon = validateChatRequest(parsed.value, parsed.raw);
      let out = 0;
      const sink = STREAM ? { committed: false, write: (f: string) => void (out += f.length) } : undefined;
      const result = await router.chat(canon, { generationId: `gen-1733000000-${String(seq++).padStart(20, '0')}`, signal: new RequestAbort().signal, sink });
      if (result.response !== undefined) out += result.response.choices.length;
      if (out === 0) throw new Error(`${name}: nothing produced`);
      return out;
    },
    close: () => client.close(),
  };
}

const body = JSON.stringify({ ...REQUEST, model: 'bench/model', ...(STREAM ? { stream: true } : {}) });

/** CPU µs per request over N requests, CONC in flight. */
async function run(impl: Impl, n: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await impl.one(body);
    }
  };
  const t0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CONC }, worker));
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
}

/** Bytes allocated per request over n requests (sampled every 128 bytes, collected objects included). */
async function allocated(impl: Impl, n: number): Promise<number> {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((res, rej) => session.post(method, params, (e, r) => (e ? rej(e) : res(r))));
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await run(impl, n);
  const { profile } = await post('HeapProfiler.stopSampling');
  session.disconnect();
  let bytes = 0;
  for (const s of profile.samples as { size: number }[]) bytes += s.size;
  const k = Number(values.sites);
  if (k > 0) {
    interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: Node[] }
    const byNode = new Map<number, number>();
    for (const s of profile.samples as { nodeId: number; size: number }[]) byNode.set(s.nodeId, (byNode.get(s.nodeId) ?? 0) + s.size);
    const bySite = new Map<string, number>();
    const name = (cf: Node['callFrame']) => `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
    const walk = (node: Node, parent: string) => {
      // a built-in (Map, Set, Array.prototype.map: no file) is named with its caller
      const here = name(node.callFrame);
      const site = node.callFrame.url === '' ? `${here} < ${parent}` : here;
      bySite.set(site, (bySite.get(site) ?? 0) + (byNode.get(node.id) ?? 0));
      for (const c of node.children ?? []) walk(c, here);
    };
    walk(profile.head as Node, '');
    for (const [site, b] of [...bySite].sort((x, y) => y[1] - x[1]).slice(0, k)) process.stdout.write(`  ${(b / n).toFixed(0).padStart(6)} B  ${site}\n`);
  }
  return bytes / n;
}

const a = await load('A (base)', values.base!);
const b = await load('B (current)', values.current!);
for (const impl of [a, b]) await run(impl, N); // warm-up: JIT and pools
if (values.alloc) {
  for (let r = 0; r < Number(values.rounds); r++)
    for (const impl of r % 2 === 0 ? [a, b] : [b, a]) process.stdout.write(`${impl.name}: ${((await allocated(impl, N)) / 1024).toFixed(2)} KB allocated per request\n`);
  await Promise.all([a.close(), b.close()]);
  upstream.close();
  process.exit(0);
}
const ratios: number[] = [];
const as: number[] = [];
const bs: number[] = [];
process.stdout.write(`# router micro · ${STREAM ? 'sse' : 'json'} · ${N} requests per round, ${CONC} in flight · A = ${values.base}, B = ${values.current}\n`);
for (let r = 0; r < Number(values.rounds); r++) {
  // alternate which goes first
  const [x, y] = r % 2 === 0 ? [a, b] : [b, a];
  const fx = await run(x, N);
  const fy = await run(y, N);
  const [fa, fb] = x === a ? [fx, fy] : [fy, fx];
  as.push(fa);
  bs.push(fb);
  ratios.push(fb / fa);
  if (VERBOSE) process.stdout.write(`round ${r + 1}: A ${fa.toFixed(1)} µs/req, B ${fb.toFixed(1)} µs/req, B/A ${(fb / fa).toFixed(3)}\n`);
}
// noise on this kind of host only adds time, so the minimum over many short rounds is the steadier figure
const minA = Math.min(...as);
const minB = Math.min(...bs);
process.stdout.write(
  `median: A ${median(as).toFixed(1)}, B ${median(bs).toFixed(1)} µs/req; B/A median ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})\n` +
    `min: A ${minA.toFixed(1)}, B ${minB.toFixed(1)} µs/req; B/A ${(minB / minA).toFixed(3)}\n`,
);
await Promise.all([a.close(), b.close()]);
upstream.close();
