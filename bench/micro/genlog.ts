/**
 * In-process micro-benchmark of the generation log's cost on the MAIN thread: add() of N records
 * (arriving 50 every 5 ms, as requests finish) and the flushes they cause, to a SQLite
 * file opened the way the gateway opens it (openDb + migrations), until everything is committed.
 *
 *   old   the log as it was before the writer thread: every batch INSERTed on the main thread
 *         (one transaction, one async exec per row); kept below as OldGenerationLog
 *   main  src/store/generations.ts with `storage.writer_thread: false`: batch rows packed and
 *         inserted on the main thread
 *   new   src/store/generations.ts: batch rows packed here, written by the SQLite writer thread
 *
 * Main-thread CPU is the main thread's own (/proc/thread-self/schedstat, ns); process CPU
 * (process.cpuUsage) adds the writer thread. Variants run interleaved, R rounds, median reported.
 *
 *   node --import tsx --expose-gc bench/micro/genlog.ts [--n 20000] [--rounds 3] [--only old,new] [--batch 1000]
 *   node --import tsx --expose-gc bench/micro/genlog.ts --rss [--burst 20000]   RSS of each variant, one child process each
 *
 * RSS figures only mean something compiled (under tsx the writer thread loads tsx too):
 *   node node_modules/typescript/bin/tsc --ignoreConfig bench/micro/genlog.ts src/store/sqlite-writer-worker.ts \
 *     --outDir node_modules/.cache/switchyard-genlog --rootDir . --module nodenext --moduleResolution nodenext \
 *     --target es2022 --esModuleInterop --skipLibCheck --resolveJsonModule --types node --strict
 *   node --expose-gc node_modules/.cache/switchyard-genlog/bench/micro/genlog.js --rss
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { openDb, type Db } from '../../src/store/db.js';
import { DEFAULT_LOG_OPTIONS, GENERATION_MIGRATIONS, GenerationLog } from '../../src/store/generations.js';
import { packBatch, ROW_RECORDS } from '../../src/store/generations-pack.js';
import { fromChatRecord, type GenerationRecord } from '../../src/store/generations-record.js';
import { newGenerationId, type ChatRecord } from '../../src/server/chat.js';
import { migrate } from '../../src/store/migrations.js';

const args = process.argv.slice(2);
const opt = (k: string, d: number) => (args.includes(`--${k}`) ? Number(args[args.indexOf(`--${k}`) + 1]) : d);
const N = opt('n', 20_000);
const ROUNDS = opt('rounds', 3);
const BURST = opt('burst', 20_000);
/** batch_size of the `new` and `main` variants (the gateway's default: DEFAULT_LOG_OPTIONS). */
const BATCH = opt('batch', DEFAULT_LOG_OPTIONS.batchSize);
const ONLY = args.includes('--only') ? (args[args.indexOf('--only') + 1]!.split(',') as Variant[]) : (['none', 'old', 'main', 'new'] as const);

/** The log's write path before the writer thread (add, flush on batch_size, flush). */
class OldGenerationLog {
  private buffer: GenerationRecord[] = [];
  private readonly pending = new Map<string, GenerationRecord>();
  private flushing: Promise<void> | undefined;
  constructor(readonly db: Db, readonly batchSize = 200) {}
  add(g: GenerationRecord): void {
    this.buffer.push(g);
    this.pending.set(g.id, g);
    if (this.buffer.length >= this.batchSize) void this.flush();
  }
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      try {
        await this.db.transaction(async (tx) => {
          for (const g of batch) await tx.exec(INSERT, oldToRow(g));
        });
        for (const g of batch) if (this.pending.get(g.id) === g) this.pending.delete(g.id);
      } finally {
        this.flushing = undefined;
      }
    })();
    await this.flushing;
  }
  close = () => this.flush();
}
const COLUMNS = ['id', 'created_at', 'key_hash', 'key_kind', 'model', 'requested_model', 'provider', 'upstream_model', 'upstream_id', 'status', 'error', 'streamed', 'cancelled', 'finish_reason', 'native_finish_reason', 'tokens_prompt', 'tokens_completion', 'tokens_reasoning', 'tokens_cached', 'cost', 'latency_ms', 'ttft_ms', 'tokens_per_second', 'attempts'];
function oldToRow(g: GenerationRecord) {
  return COLUMNS.map((c) => (c === 'attempts' ? JSON.stringify(g.attempts) : (g[c as keyof GenerationRecord] as string | number | boolean | null)));
}
/** The v1 table, under its own name (`generations` is a view since schema v3). */
const OLD_TABLE = `CREATE TABLE IF NOT EXISTS old_generations (${COLUMNS.map((c) => `${c}${c === 'id' ? ' TEXT PRIMARY KEY' : ''}`).join(', ')})`;
const INSERT = `INSERT INTO old_generations (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`;

function record(): GenerationRecord {
  const now = Date.now();
  return {
    id: newGenerationId(), // the gateway's ids (their order decides where the primary-key index takes each insert)
    created_at: now, key_hash: 'master-3b1f0c9a2e', key_kind: 'master', model: 'openai/gpt-4o-mini', requested_model: 'openai/gpt-4o-mini', provider: 'openai',
    upstream_model: 'gpt-4o-mini', upstream_id: 'chatcmpl-9x8y7z6w5v4u3t2s1r0q', status: 200, error: null, streamed: false, cancelled: false,
    finish_reason: 'tool_calls', native_finish_reason: 'tool_calls', tokens_prompt: 412, tokens_completion: 38, tokens_reasoning: 0, tokens_cached: 0,
    cost: 0.0000846, latency_ms: 3, ttft_ms: 3, tokens_per_second: null,
    attempts: [{ provider: 'openai', model: 'openai/gpt-4o-mini', upstream_model: 'gpt-4o-mini', status: 200, error: null, latency_ms: 2 }],
  };
}

/** A non-streaming tool-call request's ChatRecord, as the chat handler reports it (the fields the log reads). */
function chatRecord(): ChatRecord {
  const now = Date.now();
  const usage = { prompt_tokens: 412, completion_tokens: 38, total_tokens: 450, cost: 0.0000846, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
  const message = { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["x"]}' } }] };
  return {
    generationId: newGenerationId(),
    principal: { kind: 'master', id: 'master-3b1f0c9a2e' },
    request: { model: 'openai/gpt-4o-mini', stream: false, body: { model: 'openai/gpt-4o-mini', messages: [] } },
    result: {
      attempts: [{ provider: 'openai', model: 'openai/gpt-4o-mini', upstreamModel: 'gpt-4o-mini', status: 200, latencyMs: 2, startedAt: now - 3 }],
      served: { provider: { name: 'openai' }, endpoint: { model: 'gpt-4o-mini', pricing: { prompt: '0.00000015', completion: '0.0000006' } } },
      servedModel: 'openai/gpt-4o-mini',
      response: { id: 'gen-x', object: 'chat.completion', created: 1, model: 'openai/gpt-4o-mini', choices: [{ index: 0, message, finish_reason: 'tool_calls', native_finish_reason: 'tool_calls' }], usage },
      upstreamId: 'chatcmpl-9x8y7z6w5v4u3t2s1r0q',
      firstTokenAt: now - 1,
      cancelled: false,
    },
    error: undefined,
    streamed: false,
    startedAt: now - 3,
    endedAt: now,
  } as unknown as ChatRecord;
}

const records = (n: number) => Array.from({ length: n }, record);
const mainCpuNs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
const processCpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
/** Records arrive ~10,000/s (50 every 5 ms), faster than the bench's gateway serves them. */
const turn = () => new Promise<void>((r) => setTimeout(r, 5));

type Variant = 'none' | 'old' | 'main' | 'new';
interface Log {
  add(g: GenerationRecord): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The harness alone (arrival pacing), subtracted from the others. */
const NO_LOG: Log = { add: () => undefined, flush: async () => undefined, close: async () => undefined };

async function open(variant: Variant, dir: string, tag: string): Promise<{ log: Log; db: Db }> {
  const { config } = parseConfig({ storage: { path: join(dir, `${tag}.db`), writer_thread: variant !== 'main' } }, join(dir, 'cfg.json'), {});
  const db = await openDb(config);
  await migrate(db, [GENERATION_MIGRATIONS]);
  if (variant === 'old') {
    await db.exec(OLD_TABLE);
    await db.exec('CREATE INDEX IF NOT EXISTS old_generations_created_at ON old_generations (created_at)');
    await db.exec('CREATE INDEX IF NOT EXISTS old_generations_model_created_at ON old_generations (model, created_at)');
  }
  const log: Log = variant === 'none' ? NO_LOG : variant === 'old' ? new OldGenerationLog(db) : new GenerationLog(db, { flushMs: 1000, batchSize: BATCH });
  return { log, db };
}

/** Adds the records (given, or n made as they go), 50 every 5 ms, then waits until all are committed. */
async function burst(log: Log, recs: readonly GenerationRecord[] | number): Promise<void> {
  const n = typeof recs === 'number' ? recs : recs.length;
  for (let i = 0; i < n; i++) {
    log.add(typeof recs === 'number' ? record() : recs[i]!);
    if (i % 50 === 49) await turn();
  }
  await log.flush();
}

async function cpuRun(variant: Variant, dir: string, tag: string): Promise<{ main: number; proc: number }> {
  const { log, db } = await open(variant, dir, tag);
  await burst(log, records(2000)); // warm-up (and the writer thread started)
  const recs = records(N);
  gc(); // the records (made by requests in a gateway) are not the log's garbage
  const m0 = mainCpuNs();
  const p0 = processCpuNs();
  await burst(log, recs);
  const main = (mainCpuNs() - m0) / N;
  const proc = (processCpuNs() - p0) / N;
  await log.close();
  await db.close();
  return { main, proc };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = () => process.memoryUsage().rss / 1048576;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function rssChild(variant: Variant): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'genlog-rss-'));
  try {
    const { log, db } = await open(variant, dir, 'rss');
    await burst(log, records(10)); // the writer thread (new) is started on the first write
    await new Promise((r) => setTimeout(r, 300));
    gc();
    const idle = mib();
    let peak = idle;
    const probe = setInterval(() => (peak = Math.max(peak, mib())), 5);
    await burst(log, BURST);
    clearInterval(probe);
    peak = Math.max(peak, mib());
    await new Promise((r) => setTimeout(r, 300));
    gc();
    const after = mib();
    await log.close();
    await db.close();
    process.stdout.write(JSON.stringify({ variant, idle, peak, after }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (args[0] === '--rss-child') return rssChild(args[1] as Variant);
  if (args.includes('--rss')) {
    const runs: Record<string, { idle: number; peak: number; after: number }[]> = { old: [], main: [], new: [] };
    for (let r = 0; r < ROUNDS; r++)
      for (const v of ['old', 'main', 'new'] as const) {
        const out = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--rss-child', v, '--burst', String(BURST)], { encoding: 'utf8' });
        if (out.status !== 0) throw new Error(out.stderr);
        runs[v]!.push(JSON.parse(out.stdout));
      }
    for (const [v, rs] of Object.entries(runs))
      console.log(`${v.padEnd(4)} RSS MiB (median of ${ROUNDS} processes): idle ${median(rs.map((r) => r.idle)).toFixed(1)}, peak during a ${BURST}-record burst ${median(rs.map((r) => r.peak)).toFixed(1)}, after ${median(rs.map((r) => r.after)).toFixed(1)}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'genlog-cpu-'));
  try {
    const res: Record<Variant, { main: number[]; proc: number[] }> = { none: { main: [], proc: [] }, old: { main: [], proc: [] }, main: { main: [], proc: [] }, new: { main: [], proc: [] } };
    for (let r = 0; r < ROUNDS; r++)
      for (const v of ONLY) {
        const x = await cpuRun(v, dir, `${v}${r}`);
        res[v].main.push(x.main);
        res[v].proc.push(x.proc);
      }
    const base = { main: res.none.main.length > 0 ? median(res.none.main) : 0, proc: res.none.proc.length > 0 ? median(res.none.proc) : 0 };
    for (const [v, x] of Object.entries(res))
      if (x.main.length > 0 && v !== 'none')
        console.log(`${v.padEnd(4)} per record, harness (${(base.main / 1000).toFixed(2)} µs) subtracted: main thread ${((median(x.main) - base.main) / 1000).toFixed(2)} µs, all threads ${((median(x.proc) - base.proc) / 1000).toFixed(2)} µs  (main, raw: ${x.main.map((n) => (n / 1000).toFixed(1)).join(' / ')})`);
    // the main-side pieces: the after-hook's record, its batch row
    const chats = Array.from({ length: N }, chatRecord);
    const recs = chats.map(fromChatRecord);
    for (const [name, fn] of [['fromChatRecord (after-hook)', () => chats.forEach(fromChatRecord)], ['packBatch (per record)', () => { for (let i = 0; i < recs.length; i += ROW_RECORDS) packBatch(recs.slice(i, i + ROW_RECORDS)); }], ['toRow before (COLUMNS.map, JSON.stringify)', () => recs.forEach(oldToRow)]] as const) {
      const xs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = mainCpuNs();
        fn();
        xs.push((mainCpuNs() - t0) / N);
      }
      console.log(`${name}: ${(median(xs) / 1000).toFixed(2)} µs/record`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
