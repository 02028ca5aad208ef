/**
 * The generation log: one durable row per chat request. `add` only appends to an in-memory
 * buffer (the request path never waits on the disk); the buffer is written in one transaction
 * every `flush_ms` (default 1000) or as soon as it holds `batch_size` records (default 1000), and
 * on close. A crash loses at most the records of the last `flush_ms`. Lookups see buffered
 * records (and records being written) too, so a generation is queryable as soon as its response
 * has been sent. Where the store has `writeBatch` (SQLite: a writer thread with its own
 * connection) the main thread only builds the rows and posts them, 1000 at most per transaction;
 * elsewhere (PostgreSQL) the batch is one `transaction`.
 */
import type { BatchValue, Db, SqlValue } from './db.js';
import type { GenerationAttempt, GenerationRecord } from './generations-record.js';
import type { MigrationSet } from './migrations.js';

export const GENERATION_MIGRATIONS: MigrationSet = {
  namespace: 'generations',
  migrations: [
    {
      version: 1,
      name: 'create generations',
      up: [
        `CREATE TABLE IF NOT EXISTS generations (
          id TEXT PRIMARY KEY,
          created_at BIGINT NOT NULL,
          key_hash TEXT NOT NULL,
          key_kind TEXT NOT NULL,
          model TEXT NOT NULL,
          requested_model TEXT NOT NULL,
          provider TEXT,
          upstream_model TEXT,
          upstream_id TEXT,
          status INTEGER NOT NULL,
          error TEXT,
          streamed INTEGER NOT NULL,
          cancelled INTEGER NOT NULL,
          finish_reason TEXT,
          native_finish_reason TEXT,
          tokens_prompt INTEGER NOT NULL,
          tokens_completion INTEGER NOT NULL,
          tokens_reasoning INTEGER NOT NULL,
          tokens_cached INTEGER NOT NULL,
          cost DOUBLE PRECISION NOT NULL,
          latency_ms INTEGER NOT NULL,
          ttft_ms INTEGER,
          tokens_per_second DOUBLE PRECISION,
          attempts TEXT NOT NULL
        )`,
        'CREATE INDEX IF NOT EXISTS generations_created_at ON generations (created_at)',
        'CREATE INDEX IF NOT EXISTS generations_model_created_at ON generations (model, created_at)',
        'CREATE INDEX IF NOT EXISTS generations_key_created_at ON generations (key_hash, created_at)',
      ],
    },
    {
      // no query filters by key alone (list() by key scans the created_at index); every logged
      // request paid ~3 µs of writer-thread CPU to keep it
      version: 2,
      name: 'drop the unused key index',
      up: ['DROP INDEX IF EXISTS generations_key_created_at'],
    },
  ],
};

const COLUMNS = [
  'id', 'created_at', 'key_hash', 'key_kind', 'model', 'requested_model', 'provider', 'upstream_model', 'upstream_id', 'status', 'error',
  'streamed', 'cancelled', 'finish_reason', 'native_finish_reason', 'tokens_prompt', 'tokens_completion', 'tokens_reasoning', 'tokens_cached',
  'cost', 'latency_ms', 'ttft_ms', 'tokens_per_second', 'attempts',
] as const;

const INSERT = `INSERT INTO generations (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`;

/**
 * The row in COLUMNS order (spelled out: this runs on the main thread once per request), with
 * `attempts` as its JSON text (attemptsJson).
 */
export function toRow(g: GenerationRecord): BatchValue[] {
  return [
    g.id, g.created_at, g.key_hash, g.key_kind, g.model, g.requested_model, g.provider, g.upstream_model, g.upstream_id, g.status, g.error,
    g.streamed ? 1 : 0, g.cancelled ? 1 : 0, g.finish_reason, g.native_finish_reason, g.tokens_prompt, g.tokens_completion, g.tokens_reasoning, g.tokens_cached,
    g.cost, g.latency_ms, g.ttft_ms, g.tokens_per_second, attemptsJson(g.attempts),
  ];
}

/** The text before a single attempt's status: the last one built, for the provider and models it was built for. */
let attemptHead = { provider: '', model: '', upstreamModel: '', text: '' };
const jsonNumber = (x: number | null) => (x !== null && Number.isFinite(x) ? `${x}` : 'null');

/**
 * `JSON.stringify(attempts)`, the same text. Almost every request makes one attempt whose provider
 * and models the previous one had too: that text is a template with the status, error and latency
 * filled in (~0.2 µs on the request thread). Sent as an array of objects instead, the attempts were
 * most of what the writer thread paid to receive and bind a row (structured clone of the objects,
 * then JSON.stringify there: ~3.4 of ~6.5 µs per row, bench/micro/genlog.ts).
 */
export function attemptsJson(attempts: readonly GenerationAttempt[]): string {
  if (attempts.length !== 1) return JSON.stringify(attempts);
  const a = attempts[0]!;
  // what fromChatRecord builds; anything else (a value JSON.stringify would drop or write otherwise) takes the general path
  if ((a.error !== null && typeof a.error !== 'string') || (a.status !== null && typeof a.status !== 'number') || typeof a.latency_ms !== 'number')
    return JSON.stringify(attempts);
  let head = attemptHead;
  if (a.provider !== head.provider || a.model !== head.model || a.upstream_model !== head.upstreamModel) {
    if (typeof a.provider !== 'string' || typeof a.model !== 'string' || typeof a.upstream_model !== 'string') return JSON.stringify(attempts);
    const text = `[{"provider":${JSON.stringify(a.provider)},"model":${JSON.stringify(a.model)},"upstream_model":${JSON.stringify(a.upstream_model)},"status":`;
    head = attemptHead = { provider: a.provider, model: a.model, upstreamModel: a.upstream_model, text };
  }
  return `${head.text}${jsonNumber(a.status)},"error":${a.error === null ? 'null' : JSON.stringify(a.error)},"latency_ms":${jsonNumber(a.latency_ms)}}]`;
}

function fromRow(r: Record<string, unknown>): GenerationRecord {
  const out = { ...r } as Record<string, unknown>;
  out.streamed = Number(r.streamed) === 1;
  out.cancelled = Number(r.cancelled) === 1;
  out.attempts = JSON.parse(String(r.attempts ?? '[]'));
  for (const k of ['created_at', 'status', 'tokens_prompt', 'tokens_completion', 'tokens_reasoning', 'tokens_cached', 'cost', 'latency_ms'])
    out[k] = Number(r[k]);
  for (const k of ['ttft_ms', 'tokens_per_second']) out[k] = r[k] == null ? null : Number(r[k]);
  return out as unknown as GenerationRecord;
}

/** Rows per writeBatch call (one transaction: bounds how long the writer holds the file's write lock). */
const MAX_WRITE = 1000;

export interface GenerationLogOptions {
  flushMs: number;
  batchSize: number;
  /** Records kept in memory at most while the database refuses writes (oldest dropped first). */
  maxBuffered: number;
  onError?: (err: unknown, dropped: number) => void;
}

/**
 * batch_size 1000: each batch costs both threads a fixed part (a postMessage and its answer, a
 * transaction and its commit, the WAL pages the indexes' last leaves rewrite): 200-record batches
 * cost 11.9–12.6 µs per record over all threads and 2.4–2.7 on the main thread, 1000-record ones
 * 10.5–10.9 and 1.3–1.5 (with the writer's 2-MiB young generation of then); 2000 cost more again (bench/micro/genlog.ts, BENCHMARKS.md "The twelfth
 * round"). Under load that is a write every ~150 ms; flush_ms still bounds what a crash loses.
 */
export const DEFAULT_LOG_OPTIONS: GenerationLogOptions = { flushMs: 1000, batchSize: 1000, maxBuffered: 50_000 };

export interface ListQuery {
  model?: string;
  /** Epoch ms. */
  since?: number;
  keyHash?: string;
  limit?: number;
}

const NONE: readonly GenerationRecord[] = [];

export class GenerationLog {
  private buffer: GenerationRecord[] = [];
  /** The batch being written (its records from `batchDone` on are not committed yet): lookups see it. */
  private batch = NONE;
  private batchDone = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  readonly opts: GenerationLogOptions;

  constructor(
    readonly db: Db,
    opts: Partial<GenerationLogOptions> = {},
  ) {
    this.opts = { ...DEFAULT_LOG_OPTIONS, ...opts };
  }

  /** Queues a record; never blocks or throws. */
  add(g: GenerationRecord): void {
    if (this.closed) return;
    this.buffer.push(g);
    const over = this.buffer.length - this.opts.maxBuffered;
    if (over > 0) {
      if (over === 1) this.buffer.shift(); // O(1) on a full buffer
      else this.buffer.splice(0, over);
      this.opts.onError?.(new Error('generation log buffer full'), over);
    }
    if (this.buffer.length >= this.opts.batchSize) {
      if (this.flushing === undefined) void this.flush(); // else the running flush starts the next one as it ends
    } else if (this.timer === undefined) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.flushMs);
    this.timer.unref();
  }

  /** Writes everything buffered so far (resolves when committed, or when the write failed: the records stay buffered). */
  async flush(): Promise<void> {
    if (this.flushing !== undefined) {
      await this.flushing;
      // a flush started since took the whole buffer, this caller's records with it
      if (this.flushing !== undefined) return this.flushing;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      const ok = await this.write(batch);
      this.flushing = undefined;
      if (ok && !this.closed && this.buffer.length >= this.opts.batchSize) void this.flush();
    })();
    return this.flushing;
  }

  /** Writes one batch; on failure puts it back at the head of the buffer and retries in flush_ms. */
  private async write(batch: GenerationRecord[]): Promise<boolean> {
    let done = 0;
    this.batch = batch;
    this.batchDone = 0;
    try {
      if (this.db.writeBatch !== undefined) {
        // the driver's bulk path (SQLite: the writer thread): the main thread only builds the rows
        for (; done < batch.length; done += MAX_WRITE) {
          const chunk = batch.length <= MAX_WRITE ? batch : batch.slice(done, done + MAX_WRITE);
          // pushed, not preset to its length: a holey array crosses to the writer thread as a sparse one (index keys and all)
          const rows: BatchValue[][] = [];
          for (let i = 0; i < chunk.length; i++) rows.push(toRow(chunk[i]!));
          await this.db.writeBatch(INSERT, rows);
          this.batchDone = done + chunk.length; // committed: lookups read them from the table from now on
        }
      } else {
        await this.db.transaction(async (tx) => {
          for (const g of batch) await tx.exec(INSERT, toRow(g) as SqlValue[]);
        });
      }
      return true;
    } catch (e) {
      this.buffer = (done === 0 ? batch : batch.slice(done)).concat(this.buffer); // kept for the next flush
      this.opts.onError?.(e, 0);
      if (!this.closed && this.timer === undefined) this.schedule();
      return false;
    } finally {
      this.batch = NONE;
      this.batchDone = 0;
    }
  }

  /**
   * A record not committed yet (buffered or being written), newest first; a scan, not an index:
   * a Map of them cost the request thread 1.3–2 µs per record (bench/micro/genlog.ts), a scan
   * costs ~20 ns per buffered record and only GET /generation pays it.
   */
  private uncommitted(id: string): GenerationRecord | undefined {
    for (let i = this.buffer.length - 1; i >= 0; i--) if (this.buffer[i]!.id === id) return this.buffer[i];
    for (let i = this.batch.length - 1; i >= this.batchDone; i--) if (this.batch[i]!.id === id) return this.batch[i];
    return undefined;
  }

  async get(id: string): Promise<GenerationRecord | undefined> {
    const p = this.uncommitted(id);
    if (p !== undefined) return p;
    const row = await this.db.get('SELECT * FROM generations WHERE id = ?', [id]);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Most recent first. */
  async list(q: ListQuery = {}): Promise<GenerationRecord[]> {
    await this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.model !== undefined) {
      where.push('model = ?');
      params.push(q.model);
    }
    if (q.since !== undefined) {
      where.push('created_at >= ?');
      params.push(q.since);
    }
    if (q.keyHash !== undefined) {
      where.push('key_hash = ?');
      params.push(q.keyHash);
    }
    params.push(Math.max(1, Math.min(q.limit ?? 50, 10_000)));
    const sql = `SELECT * FROM generations${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (await this.db.query(sql, params)).map(fromRow);
  }

  /** Deletes records created before `before` (epoch ms); resolves with how many. */
  async prune(before: number): Promise<number> {
    await this.flush();
    return (await this.db.exec('DELETE FROM generations WHERE created_at < ?', [before])).changes;
  }

  /** Flushes and stops; later adds are ignored. Does not close the Db (its owner does). */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    await this.flush();
  }
}
