/**
 * What the gateway costs at start, in resident memory (issue 9, RSS):
 *
 *   node --import tsx bench/micro/startup-rss.ts [--dist dist] [--runs 5] [--packages]
 *       idle RSS of `node DIST/cli/main.js serve` (compiled, as `npm start` runs it; `npm run build`
 *       first) with the bench's config (bench/targets.ts benchConfig: openai + anthropic providers,
 *       generation log on), read 1.5 s after it listens; the median of --runs fresh processes, as
 *       VmRSS and as RssAnon (its anonymous part: the steadier figure on a shared machine).
 *       --packages also lists the node_modules packages loaded by then (files, source KiB).
 *   node --expose-gc --import tsx bench/micro/startup-rss.ts --modules undici,pino,./dist/config/load.js,…
 *       imports the modules one by one in this process and prints each one's RSS and heap delta
 *       after a full GC (a module pays only for what the ones before it did not load already; under
 *       tsx the baseline includes tsx itself: name compiled .js files for the real figures).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchConfig } from '../targets.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : def);
const MiB = 1024 * 1024;

/** VmRSS and its anonymous part (RssAnon: steadier on a shared machine, where the node binary's file pages come and go). */
function rssOf(pid: number): { rss: number; anon: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)![1]) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}

/** Writes, 1.5 s after start, the package of every CommonJS file compiled so far (ESM packages load none). */
const PRELOAD = `
const fs = require('fs'); const M = require('module'); const seen = [];
const orig = M.prototype._compile;
M.prototype._compile = function (c, f) { seen.push([f, c.length]); return orig.call(this, c, f); };
setTimeout(() => fs.writeFileSync(process.env.STARTUP_RSS_OUT, JSON.stringify(seen)), 1400).unref();
`;

async function idleRss(dist: string, packages: boolean): Promise<{ rss: number; anon: number; loaded?: [string, number][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'startup-rss-'));
  const cfg = benchConfig(dir, 'http://127.0.0.1:9');
  const out = join(dir, 'loaded.json');
  const pre = join(dir, 'preload.cjs');
  if (packages) writeFileSync(pre, PRELOAD);
  const child = spawn(process.execPath, [...(packages ? ['--require', pre] : []), join(dist, 'cli/main.js'), 'serve', '--config', cfg, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', STARTUP_RSS_OUT: out },
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((ok, fail) => {
    let o = '';
    child.stdout!.on('data', (d) => ((o += d), /listening on/.test(o) && ok()));
    child.once('exit', (c) => fail(new Error(`serve exited ${c}: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, 1500));
  const m = rssOf(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return packages ? { ...m, loaded: JSON.parse(readFileSync(out, 'utf8')) } : m;
}

function byPackage(files: [string, number][]): string[] {
  const sums = new Map<string, [number, number]>();
  for (const [f, n] of files) {
    const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f);
    const k = m ? m[1]! : '(project)';
    const s = sums.get(k) ?? [0, 0];
    sums.set(k, [s[0] + 1, s[1] + n]);
  }
  return [...sums].sort((a, b) => b[1][1] - a[1][1]).map(([k, [c, n]]) => `${(n / 1024).toFixed(0).padStart(6)} KiB ${String(c).padStart(4)} files  ${k}`);
}

async function moduleCosts(specs: string[]): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const mem = () => (gc(), gc(), process.memoryUsage());
  let prev = mem();
  const base = prev;
  for (const s of specs) {
    await import(s.startsWith('.') || s.startsWith('/') ? pathToFileURL(resolve(s)).href : s);
    await new Promise((r) => setTimeout(r, 20));
    const m = mem();
    console.log(`${((m.rss - prev.rss) / MiB).toFixed(1).padStart(6)} MiB RSS ${((m.heapUsed - prev.heapUsed) / MiB).toFixed(2).padStart(6)} MiB heap  ${s}`);
    prev = m;
  }
  console.log(`total +${((prev.rss - base.rss) / MiB).toFixed(1)} MiB RSS (now ${(prev.rss / MiB).toFixed(1)}), +${((prev.heapUsed - base.heapUsed) / MiB).toFixed(2)} MiB heap`);
}

if (args.includes('--modules')) await moduleCosts(opt('--modules', '').split(',').filter(Boolean));
else {
  const dist = resolve(opt('--dist', 'dist'));
  const runs = Number(opt('--runs', '5'));
  const all: number[] = [];
  const anon: number[] = [];
  let loaded: [string, number][] | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await idleRss(dist, args.includes('--packages') && i === 0);
    all.push(r.rss);
    anon.push(r.anon);
    loaded ??= r.loaded;
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!.toFixed(1);
  console.log(`idle RSS of serve (${dist}, bench config): median ${median(all)} MiB, RssAnon ${median(anon)} MiB (${all.map((v, i) => `${v.toFixed(1)}/${anon[i]!.toFixed(1)}`).join(' ')})`);
  if (loaded !== undefined) console.log(['CommonJS packages loaded at start:', ...byPackage(loaded)].join('\n'));
}
