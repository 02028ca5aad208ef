/**
 * `npm run bench`: side-by-side figures for the same workload through several targets, all on
 * 127.0.0.1 and bounded in time. Targets run in their own processes; the load generator
 * (autocannon) runs here. Rounds interleave targets (A B C A B C) so drift hits all alike.
 *
 *   npm run bench -- [--duration 4] [--rounds 2] [--only json,sse] [--conns 1,64]
 *
 * Prints, per workload: req/s, latency p50/p99, added p50 over calling the upstream directly,
 * CPU µs per request of the target process, its RSS, and (1 client) time to first byte.
 * At 1 client, latencies come from sequential hrtime-timed requests; at more, from autocannon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REQUEST } from './workload.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string', default: 'json,sse' },
    conns: { type: 'string', default: '1,64' },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const MODES = values.only!.split(',') as ('json' | 'sse')[];
const CONNS = values.conns!.split(',').map(Number);

interface Proc {
  name: string;
  url: string;
  child: ChildProcess;
}

function start(name: string, args: string[], env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => reject(new Error(`${name} did not start: ${err}`)), 30_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ name, url: m[1]!, child });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${err}`)));
  });
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
}
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
  rssMiB: number;
  errors: number;
  ttfbMs?: number;
}

async function load(target: Proc, path: string, body: string, connections: number, pids: number[]): Promise<Figures> {
  const before = pids.map(cpuTicks);
  const r = await autocannon({
    url: `${target.url}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body,
    connections,
    duration: DURATION,
  });
  const ticks = pids.reduce((s, pid, i) => s + cpuTicks(pid) - before[i]!, 0);
  const total = r.requests.total || 1;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUsPerReq: (ticks * TICK_US) / total,
    rssMiB: pids.length ? rssMiB(pids[0]!) : NaN,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

/**
 * Sequential requests timed with hrtime (autocannon's latency histogram is in whole ms, too coarse
 * for a 1-client comparison): p50/p99 of the whole response and median time to its first byte.
 */
async function sequential(target: Proc, path: string, body: string, n = 300): Promise<{ p50: number; p99: number; ttfb: number }> {
  const url = new URL(`${target.url}${path}`);
  const total: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer bench' } }, (res) => {
        let f: number | undefined;
        res.on('data', () => {
          f ??= Number(process.hrtime.bigint() - t0) / 1e6;
        });
        res.on('end', () => {
          total.push(Number(process.hrtime.bigint() - t0) / 1e6);
          first.push(f ?? NaN);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  return { p50: pct(total, 0.5), p99: pct(total, 0.99), ttfb: pct(first, 0.5) };
}
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

async function main() {
  const tsx = ['--import', 'tsx'];
  const upstream = await start('upstream', [...tsx, 'bench/upstream.ts']);
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-'));
  const cfg = join(dir, 'switchyard.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      providers: { bench: { type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-bench' } },
      models: [{ id: 'bench/model', endpoints: [{ provider: 'bench', model: 'gpt-bench', pricing: { prompt: '0.000001', completion: '0.000002' } }] }],
      server: { stream_keepalive_ms: 0 },
      storage: { path: join(dir, 'bench.db') },
    }),
  );
  const targets: Proc[] = [
    { ...upstream, name: 'direct (fake upstream)' },
    await start('bare proxy', [...tsx, 'bench/bare-proxy.ts', upstream.url]),
    await start('switchyard', [...tsx, 'src/cli/main.ts', 'serve', '--config', cfg, '--port', '0']),
  ];
  const results = new Map<string, Figures[]>();
  const body = { json: JSON.stringify(REQUEST), sse: JSON.stringify({ ...REQUEST, stream: true }) };
  const path = (t: Proc) => (t === targets[0] ? '/v1/chat/completions' : '/api/v1/chat/completions');
  process.stdout.write(`# ${new Date().toISOString()} · node ${process.version} · ${DURATION}s × ${ROUNDS} rounds per cell · request ${body.json.length} bytes\n`);
  // warm up every target (JIT, pools)
  for (const t of targets) await load(t, t === targets[0] ? '/v1/chat/completions' : '/api/v1/chat/completions', body.json, 8, []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      for (const c of CONNS) {
        for (const t of targets) {
          const pids = [t.child.pid!];
          const f = await load(t, path(t), body[mode], c, pids);
          if (c === 1) {
            const seq = await sequential(t, path(t), body[mode]);
            f.p50 = seq.p50;
            f.p99 = seq.p99;
            f.ttfbMs = seq.ttfb;
          }
          const key = `${mode}|${c}|${t.name}`;
          results.set(key, [...(results.get(key) ?? []), f]);
        }
      }
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows: string[] = ['| workload | target | req/s | p50 ms | p99 ms | added p50 ms | CPU µs/req | RSS MiB | TTFB ms | errors |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const mode of MODES)
    for (const c of CONNS) {
      const direct = results.get(`${mode}|${c}|${targets[0]!.name}`)!;
      for (const t of targets) {
        const fs = results.get(`${mode}|${c}|${t.name}`)!;
        const p50 = med(fs.map((f) => f.p50));
        const ttf = fs[0]!.ttfbMs !== undefined ? med(fs.map((f) => f.ttfbMs!)).toFixed(2) : '';
        rows.push(
          `| ${mode} c=${c} | ${t.name} | ${med(fs.map((f) => f.rps)).toFixed(0)} | ${p50.toFixed(2)} | ${med(fs.map((f) => f.p99)).toFixed(2)} | ${t === targets[0] ? '' : (p50 - med(direct.map((f) => f.p50))).toFixed(2)} | ${t === targets[0] ? '' : med(fs.map((f) => f.cpuUsPerReq)).toFixed(0)} | ${med(fs.map((f) => f.rssMiB)).toFixed(0)} | ${ttf} | ${fs.reduce((s, f) => s + f.errors, 0)} |`,
        );
      }
    }
  process.stdout.write(`${rows.join('\n')}\n`);
  const ratio = (mode: string, c: number) => {
    const sy = med(results.get(`${mode}|${c}|switchyard`)!.map((f) => f.rps));
    const bare = med(results.get(`${mode}|${c}|bare proxy`)!.map((f) => f.rps));
    return (sy / bare).toFixed(2);
  };
  for (const mode of MODES) for (const c of CONNS) process.stdout.write(`switchyard / bare proxy throughput, ${mode} c=${c}: ${ratio(mode, c)}×\n`);
  for (const t of targets) t.child.kill('SIGTERM');
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
