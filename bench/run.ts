/**
 * `npm run bench`: side-by-side figures for the same workload through several targets, all on
 * 127.0.0.1 and bounded in time. Targets run in their own processes; the load generator
 * (bench/load.ts at 64 clients, hrtime-timed sequential requests at 1 client) runs here. Rounds
 * interleave targets (A B C, B C A, C A B: each round starts one target further on), and so does
 * each cell within a round: a c=64 cell gives each target `--duration` seconds of load in slices
 * of `--slice` ms taken in turn (A B C A B C …, each pass one target further on), a c=1 cell its
 * `--seq` requests in blocks of `--seq-block`. On this kind of VM the same process serves the same
 * load 1.5–2× slower for minutes at a time; taken in slices, such a phase falls on every target
 * alike instead of on whichever one held the cores for its whole cell (`--slice 0 --seq-block 0`:
 * the whole cell at once, as before 2026-12-02).
 *
 *   npm run bench -- [--duration 4] [--slice 500] [--rounds 3] [--warmup 8] [--warmup-seq 0] [--seq 300] [--seq-block 50]
 *                    [--only json,sse|memory] [--conns 1,64] [--peer portkey] [--workers 2] [--skip anthropic,log,workers]
 *                    [--tsx] [--compare REV] [--fresh] [--observe] [--bare-defaults]
 *
 * Targets, each in its own process: the fake upstream called directly; the bare proxy
 * (bench/bare-proxy.ts); Switchyard with an `openai` provider; Switchyard with an `anthropic`
 * provider (full translation both ways); Switchyard with the generation log off; `serve --workers N`; with `--peer portkey`
 * the Portkey gateway (installed on demand into a temp folder). By default the targets run
 * compiled (tsc → node_modules/.cache), as `npm start` runs (with its V8 flags,
 * src/cli/node-flags.ts); `--tsx` runs the sources. The bare proxy gets the same V8 flags
 * (`--bare-defaults`: Node's defaults for it). Portkey runs with Node's defaults, as its own CLI starts it.
 * `--compare REV` adds the gateway as it was at git revision REV (built in a temp folder) as
 * one more target, interleaved with the others: a before/after measure of a change.
 *
 * Prints per workload: req/s, latency p50/p99, added p50 over calling the upstream directly,
 * CPU µs per request of the target process(es) (the figure least disturbed by other load on the
 * machine), peak RSS under load, and time to first byte (1 client); then the issue's summary
 * table, the ratios against the bare proxy and Portkey, and PASS/FAIL per target line.
 * `--only memory` runs the memory check instead (bench/memory.ts). `--fresh` starts new processes
 * for every target each round (start order rotated, warmed up again): on this kind of machine one
 * process can run 10–15 % slower than another of the same build for its whole life, the one
 * started first more often than not (BENCHMARKS.md, "Measuring on this machine"), and a ratio of
 * two long-lived processes inherits that; with --fresh each round's figures come from new ones.
 *
 * Before the first round every target is loaded at 64 clients for `--warmup` seconds per mode:
 * a Node server reaches its steady state only once its hot code is compiled by TurboFan, which
 * runs on a background thread that competes with the load for the cores. On 2 cores the gateway
 * (much more code than the bare proxy) takes ~6–10 s of load to get there, the bare proxy ~1 s;
 * measuring earlier compares a half-compiled gateway with a compiled proxy. `--warmup-seq N`
 * also sends N sequential requests per mode after each c=64 warm-up, through the same keep-alive
 * client as the c=1 cells (TurboFan still compiles a few dozen functions on that path after a
 * c=64-only warm-up; off by default, BENCHMARKS.md has what it changed). Each measurement is
 * also printed as it is taken (stderr), so drift between rounds shows.
 */
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LoadClient } from './load.js';
import { REQUEST } from './workload.js';
import { summarize } from './observe.js';
import { BUILD_DIR, benchConfig, buildForBench, buildRevision, median as med, bareArgs, script, serveArgs, start, stop, type Proc } from './targets.js';
import { childPids, cpuTicks, hostBusyTicks, rssMiB, threadCpuTicks, TICK_US } from './proc.js';
import { startPortkey } from './portkey.js';
import { memoryCheck } from './memory.js';
import { SERVE_NODE_FLAGS } from '../src/cli/node-flags.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '8' },
    'warmup-seq': { type: 'string', default: '0' },
    seq: { type: 'string', default: '300' },
    'seq-block': { type: 'string', default: '50' },
    slice: { type: 'string', default: '500' },
    only: { type: 'string', default: 'json,sse' },
    peer: { type: 'string', default: '' },
    workers: { type: 'string', default: '2' },
    skip: { type: 'string', default: '' },
    tsx: { type: 'boolean', default: false },
    streams: { type: 'string', default: '10000' },
    conns: { type: 'string', default: '1,64' },
    compare: { type: 'string', default: '' },
    fresh: { type: 'boolean', default: false },
    observe: { type: 'boolean', default: false },
    'bare-defaults': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const SEQ = Number(values.seq);
/** c=1 cells: requests per block; the targets take blocks in turn. */
const SEQ_BLOCK = Math.max(1, Number(values['seq-block']) || SEQ);
/** c=64 cells: ms per slice; the targets take slices in turn (0: the whole DURATION at once). */
const SLICE = Number(values.slice) || DURATION * 1000;
const WARMUP_SEQ = Number(values['warmup-seq']);
const ONLY = values.only!.split(',');
const SKIP = new Set(values.skip!.split(',').filter(Boolean));
const WORKERS = Number(values.workers);
const COMPILED = !values.tsx;
/** New target processes every round (start order rotated), each warmed up again. */
const FRESH = values.fresh === true;
/** Every target process preloads bench/observe.ts (per-thread CPU, GC, heap every 2 s); a summary ends the run. */
const OBSERVE = values.observe === true;
/** The bare proxy on Node's defaults instead of the gateway's V8 flags (bareArgs in targets.ts). */
const BARE_DEFAULTS = values['bare-defaults'] === true;

type Mode = 'json' | 'sse';
interface Cell {
  mode: Mode;
  conns: number;
}
interface Target extends Proc {
  /** Which cells this target runs (the variants only run the c=64 ones). */
  cells: (c: Cell) => boolean;
  /** All processes whose CPU and RSS count (a cluster primary and its workers). */
  pids: () => number[];
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
  /** CPU µs per request of the target's main thread (the request thread; c=64 cells of one-process targets). */
  mainUsPerReq?: number;
  /** CPU µs per request spent by everything else on the host meanwhile (load generator, upstream, other processes; c=64 cells only). */
  otherUsPerReq?: number;
  rssMiB: number;
  errors: number;
  ttfbMs?: number;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Peak summed RSS of the pids while `run` is in flight. */
async function withPeakRss<T>(pids: number[], run: () => Promise<T>): Promise<[T, number]> {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, sum(pids.map(rssMiB)));
    } catch {
      /* a process went away */
    }
  };
  const t = setInterval(sample, 200);
  try {
    const out = await run();
    sample();
    return [out, peak];
  } finally {
    clearInterval(t);
  }
}

function headersOf(t: Target): Record<string, string> {
  return { 'content-type': 'application/json', authorization: 'Bearer sk-bench', ...t.headers };
}

/** What a target's slices of one cell add up to. */
interface Acc {
  requests: number;
  ms: number;
  errors: number;
  latencies: number[];
  ticks: number;
  mainTicks: number | undefined;
  hostTicks: number;
  peak: number;
}
const newAcc = (): Acc => ({ requests: 0, ms: 0, errors: 0, latencies: [], ticks: 0, mainTicks: 0, hostTicks: 0, peak: 0 });
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** One slice of closed-loop load on `t` (bench/load.ts), its CPU and RSS added to `acc`. */
async function slice(t: Target, client: LoadClient, ms: number, acc: Acc): Promise<void> {
  const pids = t.pids();
  const before = pids.map(cpuTicks);
  // the main thread is the request thread of a one-process target; --workers' primary serves nothing
  const mainPid = pids.length === 1 ? pids[0]! : undefined;
  const mainBefore = mainPid !== undefined ? threadCpuTicks(mainPid, mainPid) : 0;
  const hostBefore = hostBusyTicks();
  const [r, peak] = await withPeakRss(pids, () => client.run(ms));
  const ticks = sum(pids.map((pid, i) => cpuTicks(pid) - before[i]!));
  acc.ticks += ticks;
  acc.mainTicks = mainPid !== undefined && acc.mainTicks !== undefined ? acc.mainTicks + threadCpuTicks(mainPid, mainPid) - mainBefore : undefined;
  acc.hostTicks += hostBusyTicks() - hostBefore - ticks;
  acc.requests += r.requests;
  acc.ms += r.ms;
  acc.errors += r.errors;
  for (const l of r.latencies) acc.latencies.push(l);
  acc.peak = Math.max(acc.peak, peak);
}

function loadFigures(acc: Acc): Figures {
  const n = acc.requests || 1;
  const lat = acc.latencies.sort((a, b) => a - b);
  return {
    rps: acc.requests / (acc.ms / 1000),
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    cpuUsPerReq: (acc.ticks * TICK_US) / n,
    mainUsPerReq: acc.mainTicks !== undefined ? (acc.mainTicks * TICK_US) / n : undefined,
    otherUsPerReq: (acc.hostTicks * TICK_US) / n,
    rssMiB: acc.peak,
    errors: acc.errors,
  };
}

/** What a target's blocks of sequential requests of one cell add up to. */
interface SeqAcc {
  total: number[];
  first: number[];
  errors: number;
  ticks: number;
  seconds: number;
  peak: number;
}
const newSeqAcc = (): SeqAcc => ({ total: [], first: [], errors: 0, ticks: 0, seconds: 0, peak: 0 });

/**
 * `n` sequential requests, one at a time through `agent` (keep-alive, one socket), timed with
 * hrtime (autocannon's latency histogram is in whole ms, too coarse for a 1-client comparison):
 * the whole response and the time to its first byte, added to `acc`.
 */
async function sequential(t: Target, agent: Agent, body: string, n: number, acc: SeqAcc): Promise<void> {
  const url = new URL(`${t.url}${t.path}`);
  const headers = { ...headersOf(t), 'content-length': String(Buffer.byteLength(body)) };
  const pids = t.pids();
  const before = pids.map(cpuTicks);
  const t0all = process.hrtime.bigint();
  const [, peak] = await withPeakRss(pids, async () => {
    for (let i = 0; i < n; i++) {
      await new Promise<void>((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers }, (res) => {
          if (res.statusCode !== 200) acc.errors++;
          let f: number | undefined;
          res.on('data', () => {
            f ??= Number(process.hrtime.bigint() - t0) / 1e6;
          });
          res.on('end', () => {
            acc.total.push(Number(process.hrtime.bigint() - t0) / 1e6);
            acc.first.push(f ?? NaN);
            resolve();
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    }
  });
  acc.seconds += Number(process.hrtime.bigint() - t0all) / 1e9;
  acc.ticks += sum(pids.map((pid, i) => cpuTicks(pid) - before[i]!));
  acc.peak = Math.max(acc.peak, peak);
}

function seqFigures(acc: SeqAcc): Figures {
  const n = acc.total.length || 1;
  const total = [...acc.total].sort((a, b) => a - b);
  const first = [...acc.first].sort((a, b) => a - b);
  return { rps: acc.total.length / acc.seconds, p50: pct(total, 0.5), p99: pct(total, 0.99), ttfbMs: pct(first, 0.5), cpuUsPerReq: (acc.ticks * TICK_US) / n, rssMiB: acc.peak, errors: acc.errors };
}

const fmt = (x: number | undefined, d = 0) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));

async function main() {
  if (ONLY.includes('memory')) {
    if (COMPILED) buildForBench();
    await memoryCheck({ compiled: COMPILED, streams: Number(values.streams) });
    return;
  }
  if (COMPILED) buildForBench();
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-'));
  const observeDir = join(dir, 'observe');
  if (OBSERVE) {
    if (!COMPILED) throw new Error('--observe needs the compiled build (no --tsx): NODE_OPTIONS imports run before tsx is loaded');
    // children inherit both: every process started from here on (the fake upstream too) preloads the observer
    process.env.SWITCHYARD_OBSERVE_DIR = observeDir;
    process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import ${pathToFileURL(resolve(BUILD_DIR, 'bench/observe.js')).href}`].filter(Boolean).join(' ');
  }
  const run = (file: string) => script(file, COMPILED);
  const upstreamS = run('bench/upstream.ts');
  const up = await start('upstream', upstreamS.args, { plain: upstreamS.plain, path: '/v1/chat/completions', model: 'gpt-bench' });
  const own = (p: Proc) => () => [p.child.pid!];
  const withWorkers = (p: Proc) => () => [p.child.pid!, ...childPids(p.child.pid!)];
  const all = () => true;
  const c64 = (c: Cell) => c.conns > 1;
  const bareS = run('bench/bare-proxy.ts');
  const main = run('src/cli/main.ts');
  const serve = (cfg: string, extra: string[] = []) => serveArgs(main.args, ['--config', cfg, '--port', '0', ...extra]);
  const compareMain = values.compare !== '' ? buildRevision(values.compare!) : undefined;
  // every target but the fake upstream, as a function that starts its process (each start gets an empty SQLite file)
  let generation = 0;
  const fresh = (name: string) => (FRESH ? `${name}-${generation}` : name);
  const target = (p: Proc, cells: Target['cells'], pids = own(p)): Target => ({ ...p, cells, pids });
  const makers: (() => Promise<Target>)[] = [
    async () => target(await start('bare proxy', bareArgs(bareS.args, up.url, BARE_DEFAULTS), { plain: bareS.plain }), all),
    async () => target(await start('switchyard', serve(benchConfig(dir, up.url, { name: fresh('switchyard') })), { plain: main.plain }), all),
  ];
  if (!SKIP.has('anthropic'))
    // its own process, as every target: a process that also serves the Anthropic workload ran the
    // OpenAI one 5–25 % slower than a process serving only it in 3 of 4 A/B runs (the shared code's
    // inline caches see both adapters' object shapes), which is not what these lines compare
    makers.push(async () => target({ ...(await start('switchyard → anthropic', serve(benchConfig(dir, up.url, { name: fresh('anthropic') })), { plain: main.plain })), model: 'bench/claude' }, all));
  if (!SKIP.has('log'))
    // every cell `switchyard` serves, c=1 too: the log on/off lines compare two processes that
    // differ by the log alone (a process's later cells depend on what it served before)
    makers.push(async () => target(await start('switchyard (log off)', serve(benchConfig(dir, up.url, { log: false, name: fresh('switchyard-nolog') })), { plain: main.plain }), all));
  if (!SKIP.has('workers') && WORKERS > 1)
    makers.push(async () => {
      const p = await start(`switchyard --workers ${WORKERS}`, serve(benchConfig(dir, up.url, { name: fresh('workers') }), ['--workers', String(WORKERS)]), { plain: main.plain });
      return target(p, c64, withWorkers(p));
    });
  if (compareMain !== undefined)
    makers.push(async () => target(await start(`switchyard @${values.compare}`, serveArgs([compareMain], ['--config', benchConfig(dir, up.url, { name: fresh('compare') }), '--port', '0']), { plain: true }), all));
  if (values.peer === 'portkey') makers.push(async () => target(await startPortkey(up.url), all));
  /** Starts the targets, the i-th maker first (start order rotates with the rounds under --fresh); returns them in maker order. */
  const startAll = async (first: number): Promise<Target[]> => {
    const out = new Array<Target>(makers.length);
    for (let k = 0; k < makers.length; k++) {
      const i = (first + k) % makers.length;
      out[i] = await makers[i]!();
    }
    generation++;
    return out;
  };
  const directTarget = target({ ...up, name: 'direct (fake upstream)' }, all);
  let targets: Target[] = [directTarget, ...(await startAll(0))];
  const bodies: Record<Mode, (t: Target) => string> = {
    json: (t) => JSON.stringify({ ...REQUEST, model: t.model }),
    sse: (t) => JSON.stringify({ ...REQUEST, model: t.model, stream: true }),
  };
  const modes = (['json', 'sse'] as Mode[]).filter((m) => ONLY.includes(m));
  const conns = values.conns!.split(',').map(Number);
  const cells: Cell[] = modes.flatMap((mode) => [1, 64].filter((c) => conns.includes(c)).map((c) => ({ mode, conns: c })));
  const load1 = loadavg()[0]!;
  process.stdout.write(
    `# ${new Date().toISOString()} · node ${process.version} · ${cpus().length}× ${cpus()[0]?.model ?? '?'} · load average ${load1.toFixed(2)} at start · ${COMPILED ? 'compiled' : 'tsx'} · gateway node flags ${SERVE_NODE_FLAGS.join(' ')}, bare proxy ${BARE_DEFAULTS ? "Node's defaults (--bare-defaults)" : 'the same'} · ${WARMUP}s warm-up per target and mode, ${DURATION}s × ${ROUNDS} rounds per c=64 cell, ${SEQ} sequential requests per c=1 cell · request ${bodies.json(targets[2]!).length} bytes\n`,
  );
  // per target process: its c=64 load clients, one per mode (their connections stay open for the
  // process's life, so switching the load between targets costs no reconnect), and its c=1 agent
  const clients = new Map<Target, { load: Partial<Record<Mode, LoadClient>>; agent: Agent }>();
  const clientsOf = (t: Target) => {
    let c = clients.get(t);
    if (c === undefined) clients.set(t, (c = { load: {}, agent: new Agent({ keepAlive: true, maxSockets: 1 }) }));
    return c;
  };
  const loadClient = (t: Target, mode: Mode) =>
    (clientsOf(t).load[mode] ??= new LoadClient({ url: t.url, path: t.path, headers: headersOf(t), body: bodies[mode](t) }, 64));
  const dropClients = (t: Target) => {
    const c = clients.get(t);
    if (c === undefined) return;
    for (const l of Object.values(c.load)) l.close();
    c.agent.destroy();
    clients.delete(t);
  };
  const mainNote = (f: Figures) => (f.mainUsPerReq !== undefined ? ` (main thread ${fmt(f.mainUsPerReq)})` : '');
  // warm up every target (JIT, pools) to its steady state
  const warmUp = async (ts: Target[]) => {
    for (const t of WARMUP > 0 ? ts : [])
      for (const mode of modes) {
        const acc = newAcc();
        await slice(t, loadClient(t, mode), WARMUP * 1000, acc);
        const f = loadFigures(acc);
        process.stderr.write(`warm-up ${mode} c=64 ${t.name}: ${fmt(f.rps)} req/s, ${fmt(f.cpuUsPerReq)} µs/req${mainNote(f)}\n`);
        if (WARMUP_SEQ > 0 && t.cells({ mode, conns: 1 })) {
          const sa = newSeqAcc();
          await sequential(t, clientsOf(t).agent, bodies[mode](t), WARMUP_SEQ, sa);
          process.stderr.write(`warm-up ${mode} c=1 ${t.name}: ${WARMUP_SEQ} requests, ${fmt(seqFigures(sa).cpuUsPerReq)} µs/req\n`);
        }
      }
  };
  await warmUp(targets);
  const results = new Map<string, Figures[]>();
  for (let round = 0; round < ROUNDS; round++) {
    if (FRESH && round > 0) {
      // new processes for every target, started in a rotated order: a process's speed depends on
      // how it lands on the host (see BENCHMARKS.md), and so on when it was started
      for (const t of targets) dropClients(t);
      await Promise.all(targets.slice(1).map((t) => stop(t)));
      targets = [directTarget, ...(await startAll(round % makers.length))];
      await warmUp(targets.slice(1));
    }
    // each round starts one target further on: no target always runs right after the same one
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const cell of cells) {
      const inCell = order.filter((t) => t.cells(cell));
      const figures = new Map<Target, Figures>();
      if (cell.conns === 1) {
        // blocks of SEQ_BLOCK requests per target in turn (each block one target further on), until each has had SEQ
        const accs = new Map(inCell.map((t) => [t, newSeqAcc()]));
        for (let b = 0; b * SEQ_BLOCK < SEQ; b++)
          for (let k = 0; k < inCell.length; k++) {
            const t = inCell[(k + b) % inCell.length]!;
            await sequential(t, clientsOf(t).agent, bodies[cell.mode](t), Math.min(SEQ_BLOCK, SEQ - b * SEQ_BLOCK), accs.get(t)!);
          }
        for (const t of inCell) figures.set(t, seqFigures(accs.get(t)!));
      } else {
        // DURATION seconds per target, in slices of SLICE ms taken in turn (each pass one target further on)
        const passes = Math.max(1, Math.round((DURATION * 1000) / SLICE));
        const accs = new Map(inCell.map((t) => [t, newAcc()]));
        for (let p = 0; p < passes; p++)
          for (let k = 0; k < inCell.length; k++) {
            const t = inCell[(k + p) % inCell.length]!;
            await slice(t, loadClient(t, cell.mode), (DURATION * 1000) / passes, accs.get(t)!);
          }
        for (const t of inCell) figures.set(t, loadFigures(accs.get(t)!));
      }
      for (const t of inCell) {
        const f = figures.get(t)!;
        process.stderr.write(`round ${round + 1} ${cell.mode} c=${cell.conns} ${t.name}: ${fmt(f.rps)} req/s, ${fmt(f.cpuUsPerReq)} µs/req${mainNote(f)}${f.otherUsPerReq !== undefined ? `, the rest of the host ${fmt(f.otherUsPerReq)}` : ''}\n`);
        const key = `${cell.mode}|${cell.conns}|${t.name}`;
        results.set(key, [...(results.get(key) ?? []), f]);
      }
    }
  }
  const load2 = loadavg()[0]!;
  const fig = (mode: Mode, c: number, name: string, k: keyof Figures): number | undefined => {
    const fs = results.get(`${mode}|${c}|${name}`);
    if (fs === undefined) return undefined;
    if (k === 'errors') return sum(fs.map((f) => f.errors));
    const xs = fs.map((f) => f[k]).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : med(xs);
  };
  const direct = targets[0]!.name;
  const added = (mode: Mode, c: number, name: string, k: 'p50' | 'ttfbMs') => {
    const a = fig(mode, c, name, k);
    const d = fig(mode, c, direct, k);
    return a === undefined || d === undefined ? undefined : a - d;
  };
  const rows = ['| workload | target | req/s | p50 ms | p99 ms | added p50 ms | CPU µs/req | peak RSS MiB | TTFB ms | added TTFB ms | errors |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const cell of cells)
    for (const t of targets) {
      if (!t.cells(cell)) continue;
      const g = (k: keyof Figures) => fig(cell.mode, cell.conns, t.name, k);
      const isDirect = t.name === direct;
      rows.push(
        `| ${cell.mode} c=${cell.conns} | ${t.name} | ${fmt(g('rps'))} | ${fmt(g('p50'), 2)} | ${fmt(g('p99'), 2)} | ${isDirect ? '' : fmt(added(cell.mode, cell.conns, t.name, 'p50'), 2)} | ${fmt(g('cpuUsPerReq'))} | ${fmt(g('rssMiB'))} | ${fmt(g('ttfbMs'), 2)} | ${isDirect ? '' : fmt(added(cell.mode, cell.conns, t.name, 'ttfbMs'), 2)} | ${g('errors')} |`,
      );
    }
  process.stdout.write(`\n${rows.join('\n')}\n`);

  // the issue's summary table
  const summary = ['| target | json c=1 added p50 | json c=64 req/s | sse c=64 req/s | CPU µs/req (json c=64) | sse c=1 added TTFB | peak RSS MiB (json c=64) |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const t of targets.slice(1)) {
    summary.push(
      `| ${t.name} | ${fmt(added('json', 1, t.name, 'p50'), 2)} ms | ${fmt(fig('json', 64, t.name, 'rps'))} | ${fmt(fig('sse', 64, t.name, 'rps'))} | ${fmt(fig('json', 64, t.name, 'cpuUsPerReq'))} | ${fmt(added('sse', 1, t.name, 'ttfbMs'), 2)} ms | ${fmt(fig('json', 64, t.name, 'rssMiB'))} |`,
    );
  }
  process.stdout.write(`\n${summary.join('\n')}\n`);

  /** The throughput ratio of each round (the two measured minutes apart at most): how far one run's ratio can move. */
  const spread = (mode: Mode, a: string, b: string) => {
    const fa = results.get(`${mode}|64|${a}`) ?? [];
    const fb = results.get(`${mode}|64|${b}`) ?? [];
    const rs = fa.map((f, i) => f.rps / fb[i]!.rps).filter(Number.isFinite).sort((x, y) => x - y);
    return rs.length < 2 ? 'one round' : `rounds ${rs[0]!.toFixed(2)}–${rs[rs.length - 1]!.toFixed(2)}`;
  };
  // ratios against each reference target
  const refs = targets.filter((t) => t.name === 'bare proxy' || t.name.startsWith('portkey'));
  const lines: string[] = [];
  for (const t of targets.filter((x) => x.name.startsWith('switchyard')))
    for (const r of refs)
      for (const mode of modes) {
        const a = fig(mode, 64, t.name, 'rps');
        const b = fig(mode, 64, r.name, 'rps');
        const ca = fig(mode, 64, t.name, 'cpuUsPerReq');
        const cb = fig(mode, 64, r.name, 'cpuUsPerReq');
        if (a === undefined || b === undefined) continue;
        lines.push(`${t.name} / ${r.name}, ${mode} c=64: throughput ${(a / b).toFixed(2)}× (${spread(mode, t.name, r.name)}), CPU per request ${(cb! / ca!).toFixed(2)}× as efficient`);
      }
  process.stdout.write(`\n${lines.join('\n')}\n`);

  // target lines of the issue
  const checks: string[] = [];
  const check = (what: string, value: number | undefined, op: '>=' | '<=', bound: number, unit = '×') => {
    if (value === undefined || !Number.isFinite(value)) return;
    const ok = op === '>=' ? value >= bound : value <= bound;
    checks.push(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${value.toFixed(2)}${unit} (target ${op} ${bound}${unit})`);
  };
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);
  const pk = refs.find((r) => r.name.startsWith('portkey'))?.name;
  check('json c=64 throughput vs bare proxy', ratio(fig('json', 64, 'switchyard', 'rps'), fig('json', 64, 'bare proxy', 'rps')), '>=', 0.8);
  check('json c=64 CPU efficiency vs bare proxy (bare µs/req ÷ switchyard µs/req)', ratio(fig('json', 64, 'bare proxy', 'cpuUsPerReq'), fig('json', 64, 'switchyard', 'cpuUsPerReq')), '>=', 0.8);
  if (pk !== undefined) check('json c=64 throughput vs Portkey', ratio(fig('json', 64, 'switchyard', 'rps'), fig('json', 64, pk, 'rps')), '>=', 4);
  check('json c=1 added p50 vs bare proxy', ratio(added('json', 1, 'switchyard', 'p50'), added('json', 1, 'bare proxy', 'p50')), '<=', 1.5);
  check('sse c=64 throughput vs bare proxy', ratio(fig('sse', 64, 'switchyard', 'rps'), fig('sse', 64, 'bare proxy', 'rps')), '>=', 0.7);
  check('sse c=1 added time to first byte', added('sse', 1, 'switchyard', 'ttfbMs'), '<=', 0.5, ' ms');
  check('anthropic json c=64 throughput vs bare proxy', ratio(fig('json', 64, 'switchyard → anthropic', 'rps'), fig('json', 64, 'bare proxy', 'rps')), '>=', 0.6);
  check('anthropic sse c=64 throughput vs bare proxy', ratio(fig('sse', 64, 'switchyard → anthropic', 'rps'), fig('sse', 64, 'bare proxy', 'rps')), '>=', 0.6);
  check('peak RSS under load (json c=64) vs bare proxy', ratio(fig('json', 64, 'switchyard', 'rssMiB'), fig('json', 64, 'bare proxy', 'rssMiB')), '<=', 1.5);
  check('peak RSS under load (sse c=64) vs bare proxy', ratio(fig('sse', 64, 'switchyard', 'rssMiB'), fig('sse', 64, 'bare proxy', 'rssMiB')), '<=', 1.5);
  for (const mode of modes) {
    const on = fig(mode, 64, 'switchyard', 'rps');
    const off = fig(mode, 64, 'switchyard (log off)', 'rps');
    if (on !== undefined && off !== undefined) check(`generation log on vs off, ${mode} c=64 throughput drop`, (100 * (off - on)) / off, '<=', 10, '%');
    const cOn = fig(mode, 64, 'switchyard', 'cpuUsPerReq');
    const cOff = fig(mode, 64, 'switchyard (log off)', 'cpuUsPerReq');
    if (cOn !== undefined && cOff !== undefined) check(`generation log on vs off, ${mode} c=64 CPU per request added`, (100 * (cOn - cOff)) / cOff, '<=', 10, '%');
  }
  const w = targets.find((t) => t.name.includes('--workers'))?.name;
  if (w !== undefined)
    for (const mode of modes)
      check(`${w} vs 1 worker, ${mode} c=64 throughput (${cpus().length} cores, shared with the load generator and upstream)`, ratio(fig(mode, 64, w, 'rps'), fig(mode, 64, 'switchyard', 'rps')), '>=', 1);
  process.stdout.write(`\n${checks.join('\n')}\n\nload average ${load1.toFixed(2)} at start, ${load2.toFixed(2)} at the end\n`);
  if (OBSERVE) {
    const obs = ['| process (observer file) | requests in busy slices | main thread µs/req | threads present at its first request (V8 platform, libuv) | threads started since (log writer) | scavenge ms per 1,000 requests |', '|---|---:|---:|---:|---:|---:|'];
    for (const o of summarize(observeDir)) obs.push(`| ${o.file} | ${o.requests} | ${fmt(o.main)} | ${fmt(o.early)} | ${fmt(o.late)} | ${fmt(o.scavengeMsPerK, 1)} |`);
    process.stdout.write(`\nper process, 2-s slices with at least 500 requests (c=64 load; a c=1 cell is 300) (${observeDir}):\n${obs.join('\n')}\n`);
  }
  for (const t of targets) dropClients(t);
  await Promise.all(targets.filter((t, i) => targets.findIndex((u) => u.child === t.child) === i).map((t) => stop(t)));
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
