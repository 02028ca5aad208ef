/**
 * The memory check (`npm run bench -- --only memory [--streams 10000]`): N concurrent streaming
 * tool calls held open by a slow upstream (bench/upstream.ts --hold-ms), through Switchyard.
 * Once every stream got its first frames (the tool call's start: nothing is held back waiting for
 * the upstream's next event) the gateway's RSS is read; then the upstream releases them all and
 * every stream must end with [DONE], no error. Bounded in time.
 *
 * Each open stream costs the gateway two sockets (client and upstream). Where the per-process
 * file limit (`ulimit -n`; it cannot be raised past the hard limit without privileges) is too low
 * for N, one process runs as many as its limit allows and `serve --workers 2` runs all N
 * (RSS summed over primary and workers).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUEST } from './workload.js';
import { benchConfig, script, serveArgs, start, stop, type Proc } from './targets.js';
import { childPids, rssMiB } from './proc.js';

const LIMIT_MIB = 1024;

function fdLimit(): number {
  const m = /Max open files\s+(\d+)\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : 1024;
}

interface Outcome {
  label: string;
  streams: number;
  openedMs: number;
  firstFrames: number;
  peakRssMiB: number;
  completed: number;
  errors: number;
  firstError?: string;
}

async function post(url: string): Promise<string> {
  const r = await fetch(url, { method: 'POST' });
  return r.text();
}

async function holdStreams(gw: Proc, pids: () => number[], n: number, upstreamUrl: string, label: string, deadlineMs: number): Promise<Outcome> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const body = JSON.stringify({ ...REQUEST, model: 'bench/model', stream: true });
  const url = new URL(`${gw.url}/api/v1/chat/completions`);
  const out: Outcome = { label, streams: n, openedMs: NaN, firstFrames: 0, peakRssMiB: 0, completed: 0, errors: 0 };
  let ended = 0;
  const fail = (why: string) => {
    out.errors++;
    out.firstError ??= why;
  };
  const sample = () => {
    try {
      out.peakRssMiB = Math.max(out.peakRssMiB, pids().reduce((s, p) => s + rssMiB(p), 0));
    } catch {
      /* gone */
    }
  };
  const sampler = setInterval(sample, 250);
  let allEnded!: () => void;
  const done = new Promise<void>((r) => (allEnded = r));
  const finish = () => {
    if (++ended === n) allEnded();
  };
  let firstAll!: () => void;
  const firstDone = new Promise<void>((r) => (firstAll = r));
  const t0 = Date.now();
  const one = () => {
    let text = '';
    let first = false;
    let settled = false;
    const settle = (why?: string) => {
      if (settled) return;
      settled = true;
      if (why !== undefined) fail(why);
      finish();
    };
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          settle(`HTTP ${res.statusCode}`);
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
          if (!first && text.includes('"tool_calls"')) {
            first = true;
            if (++out.firstFrames === n) firstAll();
          }
        });
        res.on('end', () => {
          if (text.includes('"finish_reason":"error"')) settle(`error chunk: ${text.slice(text.indexOf('"error"'), text.indexOf('"error"') + 200)}`);
          else if (!text.endsWith('data: [DONE]\n\n')) settle('stream ended without [DONE]');
          else {
            out.completed++;
            settle();
          }
        });
        res.on('error', (e) => settle(e.message));
      },
    );
    req.on('error', (e) => settle(e.message));
    req.end(body);
  };
  // open in batches of 250, at most 1000 not yet answered at a time: the listen backlog keeps up
  // on a busy machine too (10,000 connections opened in under a second overflowed it: resets)
  for (let i = 0; i < n; i += 250) {
    for (let j = i; j < Math.min(n, i + 250); j++) one();
    const waitUntil = Date.now() + deadlineMs;
    do await new Promise((r) => setTimeout(r, 20));
    while (i + 250 - (out.firstFrames + out.errors) > 1000 && Date.now() < waitUntil);
  }
  const timeout = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
  const got = await Promise.race([firstDone.then(() => 'ok' as const), done.then(() => 'ended' as const), timeout(deadlineMs)]);
  out.openedMs = Date.now() - t0;
  sample();
  if (got !== 'ok') fail(`${got === 'ended' ? 'streams ended' : 'timed out'} before all had their first frames (${out.firstFrames}/${n})`);
  // a few more samples with every stream open
  await new Promise((r) => setTimeout(r, 1000));
  sample();
  await post(`${upstreamUrl}/release`);
  const fin = await Promise.race([done.then(() => 'ok' as const), timeout(deadlineMs)]);
  if (fin !== 'ok') fail(`timed out waiting for the streams to end (${ended}/${n})`);
  clearInterval(sampler);
  agent.destroy();
  return out;
}

export async function memoryCheck(opts: { compiled: boolean; streams: number; deadlineMs?: number }): Promise<void> {
  const deadline = opts.deadlineMs ?? 90_000;
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-mem-'));
  const upS = script('bench/upstream.ts', opts.compiled);
  const up = await start('slow upstream', [...upS.args, '--hold-ms', String(deadline * 2)], { plain: upS.plain });
  const main = script('src/cli/main.ts', opts.compiled);
  // the default keep-alive comment timer is on (one timer per open stream, as in production)
  const cfg = benchConfig(dir, up.url, { keepaliveMs: 15_000 });
  const limit = fdLimit();
  const perProcess = Math.floor((limit - 200) / 2);
  const runs: { label: string; workers: number; streams: number }[] = [];
  if (opts.streams <= perProcess) runs.push({ label: 'one process', workers: 1, streams: opts.streams });
  else {
    runs.push({ label: `one process (file limit ${limit}: ${perProcess} streams at most)`, workers: 1, streams: perProcess });
    runs.push({ label: 'serve --workers 2', workers: 2, streams: opts.streams });
  }
  const results: Outcome[] = [];
  for (const r of runs) {
    const gw = await start('switchyard', serveArgs(main.args, ['--config', cfg, '--port', '0', ...(r.workers > 1 ? ['--workers', String(r.workers)] : [])]), { plain: main.plain });
    const pids = () => [gw.child.pid!, ...childPids(gw.child.pid!)];
    try {
      results.push(await holdStreams(gw, pids, r.streams, up.url, r.label, deadline));
    } finally {
      await stop(gw);
    }
  }
  await stop(up);
  const rows = ['| run | streams | all open after | first frames before the upstream went on | peak RSS MiB | completed with [DONE] | errors |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const o of results) rows.push(`| ${o.label} | ${o.streams} | ${(o.openedMs / 1000).toFixed(1)} s | ${o.firstFrames} | ${o.peakRssMiB.toFixed(0)} | ${o.completed} | ${o.errors} |`);
  process.stdout.write(`${rows.join('\n')}\n\n`);
  for (const o of results) {
    const ok = o.errors === 0 && o.completed === o.streams && o.peakRssMiB < LIMIT_MIB;
    process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${o.label}: ${o.streams} concurrent open streams, peak RSS ${o.peakRssMiB.toFixed(0)} MiB (target < ${LIMIT_MIB}), ${o.errors} errors${o.firstError ? ` (first: ${o.firstError})` : ''}\n`);
  }
}
