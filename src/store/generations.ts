/**
 * The generation log: one durable record per chat request. `add` only appends to an in-memory
 * buffer (the request path never waits on the disk); the buffer is written in one transaction
 * every `flush_ms` (default 1000) or as soon as it holds `batch_size` records (default 1000), and
 * on close. A crash loses at most the records of the last `flush_ms`. Lookups see buffered
 * records (and records being written) too, so a generation is queryable as soon as its response
 * has been sent.
 *
 * Records are stored as batch rows of up to 1000 records each (src/store/generations-pack.ts;
 * schema v3), and shown one per row by the SQL view `generations`. Where the store has
 * `writeBatch` (SQLite: a writer thread with its own connection) the main thread only packs the
 * rows and posts them; elsewhere (PostgreSQL) they are written in one `transaction`.
 */
import type { Db, SqlValue } from './db.js';
import { BATCH_COLUMNS, type BatchRow, generationsViewSql, PackedBatch, packBatch, ROW_RECORDS } from './generations-pack.js';
import type { GenerationRecord } from './generations-record.js';
import type { MigrationSet } from './migrations.js';

export { attemptsJson } from './generations-pack.js';

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
    {
      // one row per batch of records (src/store/generations-pack.ts); `generations` becomes a view
      version: 3,
      name: 'records in batch rows',
      up: moveToBatches,
    },
  ],
};

const BATCHES_TABLE = `CREATE TABLE IF NOT EXISTS generation_batches (
  id TEXT PRIMARY KEY,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  n INTEGER NOT NULL,
  models TEXT NOT NULL,
  key_hashes TEXT NOT NULL,
  records TEXT NOT NULL
)`;

/**
 * A batch row; the same first record again (a batch retried after a write that did commit but
 * was reported failed, with the records added since) replaces the row it wrote.
 */
const UPSERT =
  `INSERT INTO generation_batches (${BATCH_COLUMNS.join(', ')}) VALUES (${BATCH_COLUMNS.map(() => '?').join(', ')}) ` +
  `ON CONFLICT (id) DO UPDATE SET ${BATCH_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`;

const batchParams = (b: BatchRow): SqlValue[] => [b.id, b.first_at, b.last_at, b.n, b.models, b.key_hashes, b.records];

/** A v1–v2 `generations` row as a record (for the move to v3). */
function fromV2Row(r: Record<string, unknown>): GenerationRecord {
  const out = { ...r } as Record<string, unknown>;
  out.streamed = Number(r.streamed) === 1;
  out.cancelled = Number(r.cancelled) === 1;
  out.attempts = JSON.parse(String(r.attempts ?? '[]'));
  for (const k of ['created_at', 'status', 'tokens_prompt', 'tokens_completion', 'tokens_reasoning', 'tokens_cached', 'cost', 'latency_ms'])
    out[k] = Number(r[k]);
  for (const k of ['ttft_ms', 'tokens_per_second']) out[k] = r[k] == null ? null : Number(r[k]);
  return out as unknown as GenerationRecord;
}

/** v3: the rows of the v2 table, oldest first, packed ROW_RECORDS to a batch row; then the table becomes a view. */
async function moveToBatches(tx: Db): Promise<void> {
  await tx.exec(BATCHES_TABLE);
  await tx.exec('CREATE INDEX IF NOT EXISTS generation_batches_last_at ON generation_batches (last_at, first_at)');
  let after: [number, string] | undefined;
  for (;;) {
    const rows = await tx.query(
      `SELECT * FROM generations${after !== undefined ? ' WHERE (created_at, id) > (?, ?)' : ''} ORDER BY created_at, id LIMIT ${ROW_RECORDS}`,
      after ?? [],
    );
    if (rows.length === 0) break;
    const records = rows.map(fromV2Row);
    await tx.exec(UPSERT, batchParams(packBatch(records)));
    const last = records[records.length - 1]!;
    after = [last.created_at, last.id];
  }
  await tx.exec('DROP TABLE generations');
  await tx.exec(generationsViewSql(tx.dialect));
}

/** Batch rows per writeBatch call (one transaction: bounds how long the writer holds the file's write lock). */
const MAX_WRITE_ROWS = 20;
/** A lookup by id reads the batches within this much of the second in the id (`gen-<unix seconds>-…`). */
const ID_WINDOW_MS = 60_000;
/** Batch rows a list reads per query. */
const LIST_PAGE = 8;

export interface GenerationLogOptions {
  flushMs: number;
  batchSize: number;
  /** Records kept in memory at most while the database refuses writes (oldest dropped first). */
  maxBuffered: number;
  onError?: (err: unknown, dropped: number) => void;
}

/**
 * batch_size 1000: each batch costs both threads a fixed part (a postMessage and its answer, a
 * transaction and its commit, the WAL pages written). With batch rows (schema v3), per record over
 * all threads: 200-record batches 3.5 µs, 1000-record ones 1.7–2.0, 2000 (two rows) 4.3
 * (bench/micro/genlog.ts, 5 rounds, BENCHMARKS.md "The thirteenth round"). Under load that is a
 * write every ~100 ms; flush_ms still bounds what a crash loses.
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

const newestFirst = (a: GenerationRecord, b: GenerationRecord) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

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

  /** Writes one batch (as batch rows of ROW_RECORDS records); on failure puts it back at the head of the buffer and retries in flush_ms. */
  private async write(batch: GenerationRecord[]): Promise<boolean> {
    let done = 0;
    this.batch = batch;
    this.batchDone = 0;
    try {
      const rows: SqlValue[][] = [];
      for (let i = 0; i < batch.length; i += ROW_RECORDS)
        rows.push(batchParams(packBatch(batch.length <= ROW_RECORDS ? batch : batch.slice(i, i + ROW_RECORDS))));
      for (let r = 0; r < rows.length; r += MAX_WRITE_ROWS) {
        const part = rows.length <= MAX_WRITE_ROWS ? rows : rows.slice(r, r + MAX_WRITE_ROWS);
        if (this.db.writeBatch !== undefined) {
          // the driver's bulk path (SQLite: the writer thread): the main thread only packs the rows
          await this.db.writeBatch(UPSERT, part);
        } else {
          await this.db.transaction(async (tx) => {
            for (const row of part) await tx.exec(UPSERT, row);
          });
        }
        done = Math.min(batch.length, (r + part.length) * ROW_RECORDS);
        this.batchDone = done; // committed: lookups read them from the table from now on
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

  /** `instr` / `strpos`: the position of a param's text in a column, 0 when absent. */
  private contains(column: string): string {
    return this.db.dialect === 'postgres' ? `strpos(${column}, ?) > 0` : `instr(${column}, ?) > 0`;
  }

  async get(id: string): Promise<GenerationRecord | undefined> {
    const p = this.uncommitted(id);
    if (p !== undefined) return p;
    // the batches whose records text holds the id as a JSON string; for an id of the gateway's
    // shape only those around its second (the index on last_at, first_at), else all of them
    const params: SqlValue[] = [JSON.stringify(id)];
    let sql = `SELECT records FROM generation_batches WHERE ${this.contains('records')}`;
    const second = /^gen-(\d{1,12})-/.exec(id);
    if (second !== null) {
      const t = Number(second[1]) * 1000;
      sql += ' AND last_at >= ? AND first_at <= ?';
      params.push(t - ID_WINDOW_MS, t + 1000 + ID_WINDOW_MS);
    }
    for (const row of await this.db.query<{ records: string }>(sql, params)) {
      const b = new PackedBatch(row.records);
      const i = b.indexOf(id);
      if (i >= 0) return b.record(i);
    }
    return undefined;
  }

  /** Most recent first (created_at, then id, descending). */
  async list(q: ListQuery = {}): Promise<GenerationRecord[]> {
    await this.flush();
    const limit = Math.max(1, Math.min(q.limit ?? 50, 10_000));
    const where: string[] = [];
    const params: SqlValue[] = [];
    // whole batches skipped by their columns; the records of the rest are filtered one by one
    if (q.since !== undefined) {
      where.push('last_at >= ?');
      params.push(q.since);
    }
    if (q.model !== undefined) {
      where.push(this.contains('models'));
      params.push(JSON.stringify(q.model));
    }
    if (q.keyHash !== undefined) {
      where.push(this.contains('key_hashes'));
      params.push(JSON.stringify(q.keyHash));
    }
    const found: GenerationRecord[] = [];
    const seen = new Set<string>();
    let cursor: [number, string] | undefined;
    for (;;) {
      const w = cursor === undefined ? where : [...where, '(last_at, id) < (?, ?)'];
      const rows = await this.db.query<{ id: string; last_at: number; records: string }>(
        `SELECT id, last_at, records FROM generation_batches${w.length > 0 ? ` WHERE ${w.join(' AND ')}` : ''} ORDER BY last_at DESC, id DESC LIMIT ${LIST_PAGE}`,
        cursor === undefined ? params : [...params, ...cursor],
      );
      for (const row of rows) {
        // batches come newest last_at first: once the limit is reached, one that ends before the
        // last record kept holds nothing newer
        if (found.length === limit && Number(row.last_at) < found[limit - 1]!.created_at) return found;
        const b = new PackedBatch(row.records);
        for (let i = 0; i < b.length; i++) {
          if (q.model !== undefined && b.value('model', i) !== q.model) continue;
          if (q.keyHash !== undefined && b.value('key_hash', i) !== q.keyHash) continue;
          if (q.since !== undefined && !((b.value('created_at', i) as number) >= q.since)) continue;
          const id = b.ids[i]!;
          if (seen.has(id)) continue; // a record written twice (a retried batch)
          seen.add(id);
          found.push(b.record(i));
        }
        found.sort(newestFirst);
        if (found.length > limit) found.length = limit;
      }
      if (rows.length < LIST_PAGE) return found;
      const last = rows[rows.length - 1]!;
      cursor = [Number(last.last_at), last.id];
    }
  }

  /** Deletes records created before `before` (epoch ms); resolves with how many. */
  async prune(before: number): Promise<number> {
    await this.flush();
    return this.db.transaction(async (tx) => {
      const whole = await tx.get<{ n: number | null }>('SELECT SUM(n) AS n FROM generation_batches WHERE last_at < ?', [before]);
      await tx.exec('DELETE FROM generation_batches WHERE last_at < ?', [before]);
      let removed = Number(whole?.n ?? 0);
      // batches that straddle `before`: written again with the records they keep
      for (const row of await tx.query<{ id: string; records: string }>('SELECT id, records FROM generation_batches WHERE first_at < ?', [before])) {
        const b = new PackedBatch(row.records);
        const keep: GenerationRecord[] = [];
        for (let i = 0; i < b.length; i++) if (!((b.value('created_at', i) as number) < before)) keep.push(b.record(i));
        removed += b.length - keep.length;
        if (keep.length === 0) await tx.exec('DELETE FROM generation_batches WHERE id = ?', [row.id]);
        else {
          const p = packBatch(keep);
          await tx.exec('UPDATE generation_batches SET first_at = ?, last_at = ?, n = ?, models = ?, key_hashes = ?, records = ? WHERE id = ?', [
            p.first_at, p.last_at, p.n, p.models, p.key_hashes, p.records, row.id,
          ]);
        }
      }
      return removed;
    });
  }

  /** Flushes and stops; later adds are ignored. Does not close the Db (its owner does). */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    await this.flush();
  }
}
