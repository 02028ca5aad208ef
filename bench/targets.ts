/** Bench plumbing shared by run.ts, memory.ts and profile.ts: target processes and the gateway config (the /proc readers are in proc.ts). */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVE_NODE_FLAGS } from '../src/cli/node-flags.js';

export interface Proc {
  name: string;
  url: string;
  child: ChildProcess;
  /** Request path of the chat endpoint on this target. */
  path: string;
  /** Model id to send. */
  model: string;
  /** Extra request headers (Portkey's routing headers). */
  headers?: Record<string, string>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Run without `--import tsx` (plain JavaScript, e.g. Portkey). */
  plain?: boolean;
  cwd?: string;
  /** How the target announces its URL on stdout (default `listening on URL`). */
  ready?: RegExp;
  /** Used when `ready` has no URL group. */
  url?: string;
  path?: string;
  model?: string;
  headers?: Record<string, string>;
  /** Shell prefix for the spawned command (e.g. `ulimit -n 65536;`); runs through /bin/sh. */
  shellPrefix?: string;
}

/** Every target process still running: killed when the bench exits, however it exits (a crash must not leave them loading the machine). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});
// a bench stopped by a signal exits without 'exit' handlers: its targets would live on, idle,
// and tilt every later measurement on the machine (30 of them did, BENCHMARKS.md twelfth round).
// process.exit runs the handler above.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => process.exit(128 + constants.signals[sig]));

/** Starts `node [--import tsx] ...args` and resolves once it prints its URL. */
export function start(name: string, args: string[], opts: StartOptions = {}): Promise<Proc> {
  const argv = [...(opts.plain ? [] : ['--import', 'tsx']), ...args];
  // SWITCHYARD_OBSERVE_NAME names the process's file when bench/observe.ts is preloaded (--observe)
  const env = { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', SWITCHYARD_OBSERVE_NAME: name, ...opts.env };
  const child =
    opts.shellPrefix !== undefined
      ? spawn('/bin/sh', ['-c', `${opts.shellPrefix} exec "$0" "$@"`, process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: opts.cwd })
      : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: opts.cwd });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const ready = opts.ready ?? /listening on (http:\/\/\S+)/;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => reject(new Error(`${name} did not start: ${err.slice(-2000)}`)), 60_000);
    child.stderr!.on('data', (d) => (err = (err + d).slice(-20_000)));
    child.stdout!.on('data', (d) => {
      if (out === undefined) return;
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(t);
        out = undefined as unknown as string; // stop matching; keep draining the pipe
        resolve({ name, url: m[1] ?? opts.url!, child, path: opts.path ?? '/api/v1/chat/completions', model: opts.model ?? 'bench/model', headers: opts.headers });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${name} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** SIGTERM and wait for the exit (profiles are written then). */
export function stop(p: Proc, ms = 8000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      p.child.kill('SIGKILL');
      resolve();
    }, ms);
    p.child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.child.kill('SIGTERM');
  });
}

/**
 * Node arguments for `serve` as `npm start` runs it: the gateway's V8 flags (src/cli/node-flags.ts)
 * before the entry point (`main`: the compiled main.js, or the source under tsx), then `rest`.
 * `extra` node flags go after the gateway's, so that one of theirs given again there wins.
 */
export const serveArgs = (main: readonly string[], rest: readonly string[], extra: readonly string[] = []): string[] => [...SERVE_NODE_FLAGS, ...extra, ...main, 'serve', ...rest];

/**
 * Node arguments for the bare proxy: the gateway's V8 flags too, so the two differ by their code
 * alone (BENCHMARKS.md, the eleventh round); `nodeDefaults` leaves Node's defaults instead.
 */
export const bareArgs = (main: readonly string[], upstreamUrl: string, nodeDefaults = false, extra: readonly string[] = []): string[] => [
  ...(nodeDefaults ? [] : SERVE_NODE_FLAGS),
  ...extra,
  ...main,
  upstreamUrl,
];

/** The middle value (the upper one of an even count). */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface BenchConfigOptions {
  /** Generation log (storage.path SQLite) on; default true, as a fresh install runs. */
  log?: boolean;
  keepaliveMs?: number;
  /** Names the config and its SQLite file: each target process gets its own (one shared file would make them wait on each other's write lock). */
  name?: string;
}

/**
 * The gateway config of the bench: `bench/model` on an `openai` provider and `bench/claude` on
 * an `anthropic` one, both at the fake upstream; the generation log on or off.
 */
export function benchConfig(dir: string, upstreamUrl: string, opts: BenchConfigOptions = {}): string {
  const log = opts.log ?? true;
  const name = opts.name ?? (log ? 'switchyard' : 'switchyard-nolog');
  const file = join(dir, `${name}.json`);
  const pricing = { prompt: '0.000001', completion: '0.000002' };
  writeFileSync(
    file,
    JSON.stringify({
      providers: {
        bench: { type: 'openai', base_url: `${upstreamUrl}/v1`, api_key: 'sk-bench' },
        claude: { type: 'anthropic', base_url: upstreamUrl, api_key: 'sk-ant-bench' },
      },
      models: [
        { id: 'bench/model', endpoints: [{ provider: 'bench', model: 'gpt-bench', pricing }] },
        { id: 'bench/claude', endpoints: [{ provider: 'claude', model: 'claude-bench', pricing }] },
      ],
      server: { stream_keepalive_ms: opts.keepaliveMs ?? 0 },
      storage: { path: join(dir, `${name}.db`) },
      ...(log ? {} : { generations: { enabled: false } }),
    }),
  );
  return file;
}

export const BUILD_DIR = 'node_modules/.cache/switchyard-bench';

/**
 * Compiles src/ and the bench's own servers with tsc into BUILD_DIR (ignored by git) so targets
 * run as plain JavaScript, as `npm start` runs the gateway: under tsx every closure created per
 * request also pays a name-keeping helper. Type errors elsewhere in the tree do not stop it.
 */
export function buildForBench(): void {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (!existsSync(join(BUILD_DIR, 'src/cli/main.js'))) throw e;
    process.stderr.write('bench: tsc reported type errors; running what it emitted\n');
  }
}

/** Node arguments to run a repo file (`bench/upstream.ts`, `src/cli/main.ts`), compiled or through tsx. */
export function script(file: string, compiled: boolean): { args: string[]; plain: boolean } {
  return compiled ? { args: [join(BUILD_DIR, file.replace(/\.ts$/, '.js'))], plain: true } : { args: [file], plain: false };
}

/**
 * Builds the gateway as it was at git revision `rev` into a temp folder (git archive, no change
 * to this checkout; node_modules linked) for an interleaved before/after run (`--compare REV`).
 * Returns the path of its compiled `src/cli/main.js`.
 */
export function buildRevision(rev: string): string {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), `switchyard-bench-rev-${sha}`);
  const main = join(dir, 'build/src/cli/main.js');
  if (existsSync(main)) return main;
  mkdirSync(dir, { recursive: true });
  execFileSync('/bin/sh', ['-c', `git archive ${sha} src tsconfig.json package.json | tar -x -C ${dir}`]);
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
  try {
    execFileSync(process.execPath, [join(process.cwd(), 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--outDir', join(dir, 'build'), '--declaration', 'false', '--noEmit', 'false'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    });
  } catch (e) {
    if (!existsSync(main)) throw e;
  }
  return main;
}
