/**
 * `node --import tsx bench/ab.ts --compare REV [--mode json|sse] [--rounds 6] [--duration 4] [--warmup 15] [--conns 32] [--against bare] [--swap]`
 *   `[--a-flags="--flag …"] [--b-flags="--flag …"] [--a-log off]` (flags with `=`: parseArgs takes no value that starts with --)
 *
 * A before/after measure that the machine's drift cannot tilt: the gateway as it is now and as it
 * was at git revision REV (or the bare proxy, `--against bare`) run side by side and are loaded AT
 * THE SAME TIME, each by its own autocannon with the same number of clients, against one fake
 * upstream. Whatever slows the host during a round slows both alike, so the per-round ratio of
 * their CPU per request is steady where sequential A/B runs (npm run bench -- --compare) swing by
 * 15 % or more on this kind of machine. Printed per round and as medians: requests served, main
 * thread CPU µs per request (the thread that bounds one process's throughput) and all threads'
 * (writer thread, GC and compiler threads included), and B/A.
 *
 * A = REV (or the bare proxy), B = the working tree. Both compiled (as `npm start` runs). A is
 * started first unless `--swap`: the process started first is often the slower one here (two
 * processes of one build: B/A 0.75–0.96 over 5 rounds), so run both orders.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { REQUEST } from './workload.js';
import { benchConfig, buildForBench, buildRevision, median as med, bareArgs, script, serveArgs, start, stop, type Proc } from './targets.js';
import { cpuTicks, threadCpuTicks, TICK_US } from './proc.js';

const { values } = parseArgs({
  options: {
    compare: { type: 'string', default: '' },
    against: { type: 'string', default: '' },
    mode: { type: 'string', default: 'json' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '15' },
    conns: { type: 'string', default: '32' },
    swap: { type: 'boolean', default: false },
    // node flags after the target's own (SERVE_NODE_FLAGS; one of those given again here wins): a flag tried on one side only
    'a-flags': { type: 'string', default: '' },
    'b-flags': { type: 'string', default: '' },
    // `off`: A runs with the generation log off (with `--compare HEAD`: the log's cost, both loaded at once)
    'a-log': { type: 'string', default: 'on' },
  },
});
if (values.compare === '' && values.against !== 'bare') {
  process.stderr.write('bench/ab.ts: give --compare REV (a git revision) or --against bare\n');
  process.exit(2);
}

/** Main-thread and all-thread CPU ticks of a process. */
const ticks = (pid: number) => ({ main: threadCpuTicks(pid, pid), all: cpuTicks(pid) });

interface Round {
  requests: number;
  mainUs: number;
  allUs: number;
  errors: number;
}


async function both(a: Proc, b: Proc, body: (p: Proc) => string, seconds: number): Promise<[Round, Round]> {
  const pa = a.child.pid!;
  const pb = b.child.pid!;
  const a0 = ticks(pa);
  const b0 = ticks(pb);
  const load = (p: Proc) =>
    autocannon({ url: `${p.url}${p.path}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: body(p), connections: Number(values.conns), duration: seconds });
  const [ra, rb] = await Promise.all([load(a), load(b)]);
  const a1 = ticks(pa);
  const b1 = ticks(pb);
  const fig = (r: autocannon.Result, t0: { main: number; all: number }, t1: { main: number; all: number }): Round => ({
    requests: r.requests.total,
    mainUs: ((t1.main - t0.main) * TICK_US) / Math.max(1, r.requests.total),
    allUs: ((t1.all - t0.all) * TICK_US) / Math.max(1, r.requests.total),
    errors: r.errors + r.non2xx + r.timeouts,
  });
  return [fig(ra, a0, a1), fig(rb, b0, b1)];
}

async function main(): Promise<void> {
  buildForBench();
  const dir = mkdtempSync(join(tmpdir(), 'sy-ab-'));
  const up = await start('upstream', script('bench/upstream.ts', true).args, { plain: true, path: '/v1/chat/completions', model: 'gpt-bench' });
  const mainJs = script('src/cli/main.ts', true).args;
  const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
  const aFlags = words(values['a-flags']!);
  const bFlags = words(values['b-flags']!);
  const startA = () =>
    values.against === 'bare'
      ? start('bare proxy', bareArgs(script('bench/bare-proxy.ts', true).args, up.url, false, aFlags), { plain: true, path: '/v1/chat/completions', model: 'gpt-bench' })
      : start(`@${values.compare}`, serveArgs([buildRevision(values.compare!)], ['--config', benchConfig(dir, up.url, { name: 'a', log: values['a-log'] !== 'off' }), '--port', '0'], aFlags), { plain: true });
  const startB = () => start('working tree', serveArgs(mainJs, ['--config', benchConfig(dir, up.url, { name: 'b' }), '--port', '0'], bFlags), { plain: true });
  // the process started first tends to be the slower one on this kind of machine: --swap starts B first
  let a: Proc;
  let b: Proc;
  if (values.swap === true) {
    b = await startB();
    a = await startA();
  } else {
    a = await startA();
    b = await startB();
  }
  const body = (p: Proc) => JSON.stringify({ ...REQUEST, model: p.model, ...(values.mode === 'sse' ? { stream: true } : {}) });
  try {
    process.stdout.write(`# ${new Date().toISOString()} · ${values.mode} · A = ${a.name}, B = ${b.name} (${values.swap === true ? 'B' : 'A'} started first) · both loaded at once, ${values.conns} clients each · ${values.warmup}s warm-up, ${values.rounds} × ${values.duration}s\n`);
    await both(a, b, body, Number(values.warmup));
    const rs: [Round, Round][] = [];
    for (let i = 0; i < Number(values.rounds); i++) {
      const r = await both(a, b, body, Number(values.duration));
      rs.push(r);
      const [x, y] = r;
      process.stdout.write(
        `round ${i + 1}: A ${x.requests} req, main ${x.mainUs.toFixed(0)} / all ${x.allUs.toFixed(0)} µs/req | B ${y.requests} req, main ${y.mainUs.toFixed(0)} / all ${y.allUs.toFixed(0)} µs/req | B/A main ${(y.mainUs / x.mainUs).toFixed(3)}${x.errors + y.errors > 0 ? ` | errors ${x.errors}/${y.errors}` : ''}\n`,
      );
    }
    const ma = med(rs.map((r) => r[0].mainUs));
    const mb = med(rs.map((r) => r[1].mainUs));
    const aa = med(rs.map((r) => r[0].allUs));
    const ab = med(rs.map((r) => r[1].allUs));
    const ratios = rs.map((r) => r[1].mainUs / r[0].mainUs);
    process.stdout.write(
      `median: A main ${ma.toFixed(0)} / all ${aa.toFixed(0)} µs/req, B main ${mb.toFixed(0)} / all ${ab.toFixed(0)} µs/req; B/A main per round: median ${med(ratios).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}\n`,
    );
  } finally {
    await Promise.all([stop(a), stop(b), stop(up)]);
  }
}

await main();
