/**
 * `node --import tsx bench/profile.ts [--mode json|sse] [--seconds 6] [--warmup 8] [--conns 32] [--top 40] [--upstream openai|anthropic]`
 *
 * Profiles the gateway's hot path: starts the fake upstream and `switchyard serve` under
 * `node --cpu-prof`, loads it with autocannon, stops it, and prints the hottest functions by
 * self time (and by file), so a regression or a new hot spot shows without a flame-graph viewer.
 * The first `--warmup` seconds of load are left out of the figures: the gateway's code takes
 * several seconds under load to reach its optimized tier (TurboFan compiles on a thread that
 * competes with the load for the two cores), and a profile of that phase shows the interpreter.
 * The .cpuprofile stays in the printed folder (open it in Chrome DevTools or speedscope for a
 * flame graph).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REQUEST } from './workload.js';
import { bareArgs, benchConfig, buildForBench, script, serveArgs, start, stop } from './targets.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'json' },
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '8' },
    conns: { type: 'string', default: '32' },
    top: { type: 'string', default: '40' },
    upstream: { type: 'string', default: 'openai' },
    'no-log': { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    target: { type: 'string', default: 'switchyard' },
  },
});

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function and per file, and inclusive time of the project's own functions, from a
 * V8 .cpuprofile; samples before `fromUs` (the profile's clock: start-up, module loading) and idle
 * samples are left out, so percentages are of busy time under load.
 */
export function summarize(p: Profile, top: number, fromUs = 0): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: Node) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '').replace('node_modules/.cache/switchyard-bench/', '');
    const short = url.replace(/.*node_modules\//, 'nm:');
    const fnKey = `${n.callFrame.functionName || '(anonymous)'}  ${short}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    const fileKey = url === '' ? n.callFrame.functionName : short.startsWith('nm:') ? short.split('/').slice(0, short.startsWith('nm:@') ? 2 : 1).join('/') : short;
    return { fnKey, fileKey, own: url.startsWith('src/') };
  };
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  const incl = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let t = p.startTime;
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const us = p.timeDeltas[i] ?? 0;
    t += us;
    if (t < fromUs) continue;
    const n = byId.get(p.samples[i]!)!;
    if (n.callFrame.functionName === '(idle)') continue;
    total += us;
    const l = label(n);
    add(fn, l.fnKey, us);
    add(file, l.fileKey, us);
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const a = label(byId.get(id)!);
      if (a.own && !seen.has(a.fnKey)) {
        seen.add(a.fnKey);
        add(incl, a.fnKey, us);
      }
    }
  }
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  return `busy time sampled under load: ${(total / 1000).toFixed(0)} ms\n\n## by function (self)\n${rows(fn, top)}\n\n## by file / package (self)\n${rows(file, 25)}\n\n## project functions (inclusive)\n${rows(incl, 30)}\n`;
}

async function main() {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'sy-prof-'));
  const compiled = !values.tsx;
  if (compiled) buildForBench();
  const upS = script('bench/upstream.ts', compiled);
  const upstream = await start('upstream', upS.args, { plain: upS.plain });
  const cfg = benchConfig(dir, upstream.url, { log: !values['no-log'] });
  const main = script('src/cli/main.ts', compiled);
  const bare = script('bench/bare-proxy.ts', compiled);
  const prof = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const sy =
    values.target === 'bare'
      ? await start('bare proxy', [...prof, ...bareArgs(bare.args, upstream.url)], { plain: bare.plain })
      : await start('switchyard', [...prof, ...serveArgs(main.args, ['--config', cfg, '--port', '0'])], { plain: main.plain });
  const model = values.upstream === 'anthropic' ? 'bench/claude' : 'bench/model';
  const body = JSON.stringify({ ...REQUEST, model, stream: values.mode === 'sse' });
  const loadFor = (seconds: number) =>
    autocannon({
      url: `${sy.url}/api/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: Number(values.conns),
      duration: seconds,
    });
  if (Number(values.warmup) > 0) await loadFor(Number(values.warmup));
  // the profile's clock is the monotonic one hrtime reads: samples before the measured load are left out
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const r = await loadFor(Number(values.seconds));
  process.stdout.write(`${r.requests.total} requests, ${r.non2xx + r.errors} errors\n`);
  await stop(sy);
  await stop(upstream);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${dir}`);
  process.stdout.write(`profile: ${join(dir, file)}\n`);
  process.stdout.write(summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')), Number(values.top), fromUs));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}
