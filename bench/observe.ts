/**
 * A per-process observer for bench runs (`npm run bench -- --observe`), preloaded into every
 * target process with `NODE_OPTIONS=--import`. From the process's first HTTP request on, every
 * 2 s it appends one line to `$SWITCHYARD_OBSERVE_DIR/<target>-<pid>.log`: the requests served
 * in the slice, RSS, new/old space, the GC pauses by kind, and each thread's CPU per request,
 * split into the request (main) thread, the threads that existed at the first request (V8's
 * platform threads: parallel scavenge, concurrent marking, TurboFan; libuv's pool) and those
 * started since (the generation log's writer thread). `summarize` reads the files back.
 *
 * It answers "which thread of which process took the time" inside a full run, where the
 * bench's own figures only give a cell's whole-process and main-thread CPU. It reads /proc and
 * observes GC entries: a few µs per 2 s, nothing per request but a counter.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subscribe } from 'node:diagnostics_channel';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { threadCpuTicks, TICK_US } from './proc.js';

const SLICE_MS = 2_000;

/** utime + stime, in clock ticks, of each thread of this process. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      out.set(t, threadCpuTicks(process.pid, Number(t)));
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

function observe(dir: string, name: string): void {
  let requests = 0;
  let started = false;
  const gc = { minor: [0, 0], major: [0, 0], incremental: [0, 0], weak: [0, 0] } as Record<string, [number, number]>;
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  };
  const begin = () => {
    started = true;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}-${process.pid}.log`);
    const early = new Set(threadTicks().keys());
    let last = threadTicks();
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const g = gc[kinds[(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'weak']!;
        g[0]++;
        g[1] += e.duration;
      }
    }).observe({ entryTypes: ['gc'] });
    setInterval(() => {
      const now = threadTicks();
      const n = requests;
      requests = 0;
      const cpu = { main: 0, early: 0, late: 0 };
      for (const [t, ticks] of now) {
        const d = ticks - (last.get(t) ?? 0);
        if (t === String(process.pid)) cpu.main += d;
        else if (early.has(t)) cpu.early += d;
        else cpu.late += d;
      }
      last = now;
      const perReq = (ticks: number) => (n > 0 ? ((ticks * TICK_US) / n).toFixed(0) : '-');
      const spaces = getHeapSpaceStatistics()
        .filter((s) => s.space_name === 'new_space' || s.space_name === 'old_space')
        .map((s) => `${s.space_name} ${(s.space_used_size / 1048576).toFixed(1)}/${(s.space_size / 1048576).toFixed(1)}`);
      const pauses = Object.entries(gc).map(([k, [c, ms]]) => `${k} ${c} ${ms.toFixed(1)}ms`);
      for (const g of Object.values(gc)) g.fill(0);
      appendFileSync(
        file,
        `${new Date().toISOString().slice(11, 19)} requests ${n} rss ${(process.memoryUsage.rss() / 1048576).toFixed(0)} ${spaces.join(' ')} ${pauses.join(' ')} | main ${perReq(cpu.main)} early ${perReq(cpu.early)} late ${perReq(cpu.late)}\n`,
      );
    }, SLICE_MS).unref();
  };
  subscribe('http.server.request.start', () => {
    if (!started) begin();
    requests++;
  });
}

export interface ObservedProcess {
  file: string;
  /** Requests in the slices that count (at least `minRequests` each). */
  requests: number;
  /** CPU µs per request, weighted by the slices' requests. */
  main: number;
  early: number;
  late: number;
  /** Scavenge (minor GC) pause ms per 1,000 requests. */
  scavengeMsPerK: number;
}

/** requests, scavenge ms, and main / early / late µs per request of one slice line (as `observe` writes it). */
const SLICE = /requests (\d+) .* minor \d+ ([\d.]+)ms .*\| main (\d+) early (\d+) late (\d+)/;

/** The observer's files of one run, each summed over its busy slices (load, not idle or one-client cells). */
export function summarize(dir: string, minRequests = 500): ObservedProcess[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    let requests = 0;
    const sum = { main: 0, early: 0, late: 0 };
    let scavengeMs = 0;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = SLICE.exec(line);
      const n = Number(m?.[1]);
      if (m === null || !(n >= minRequests)) continue;
      requests += n;
      scavengeMs += Number(m[2]);
      sum.main += Number(m[3]) * n;
      sum.early += Number(m[4]) * n;
      sum.late += Number(m[5]) * n;
    }
    const per = (x: number) => (requests > 0 ? x / requests : 0);
    return { file: f, requests, main: per(sum.main), early: per(sum.early), late: per(sum.late), scavengeMsPerK: requests > 0 ? (scavengeMs * 1000) / requests : 0 };
  });
}

const dir = process.env.SWITCHYARD_OBSERVE_DIR;
if (dir !== undefined && dir !== '' && isMainThread) observe(dir, process.env.SWITCHYARD_OBSERVE_NAME ?? 'process');
