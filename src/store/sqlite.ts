/**
 * The SQLite `Db` (better-sqlite3): one connection in WAL mode, prepared statements cached.
 * better-sqlite3 is synchronous, so each call runs at once; an async transaction holds a lock
 * that makes other callers wait until it commits, so their statements never land inside it.
 *
 * Once open, the main thread never sleeps on another connection's lock (the writer thread's,
 * another `serve --workers` process's, the CLI's): the connection's busy timeout is 0 and a
 * statement refused with SQLITE_BUSY is retried after an async pause, for up to BUSY_TIMEOUT_MS.
 * Only opening may block, at start-up: the switch to WAL mode retries synchronously (sqlite-wal.ts).
 * `writeBatch` (bulk inserts such as the generation log's) runs on a writer thread with its own
 * connection (src/store/sqlite-writer.ts); a `:memory:` database has no file to share, so there
 * it runs here.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Row, SqlValue, StorageConfig } from './db.js';
import { bindRow, runBatch } from './sqlite-batch.js';
import { SqliteWriter, type WriterRow } from './sqlite-writer.js';
import { enableWal, isBusy } from './sqlite-wal.js';

/** How long a statement waits (asynchronously) for a lock held by another connection. */
export const BUSY_TIMEOUT_MS = 5_000;
const WRITER = { busyTimeoutMs: 10_000, cacheKiB: 2_048 };
/** SQLite's default: a commit that leaves the WAL this many pages long checkpoints it. */
const WAL_AUTOCHECKPOINT = 1000;

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  /** Resolves when the running transaction (if any) is over. */
  private lock: Promise<void> = Promise.resolve();
  private locked = false;
  private writer: SqliteWriter | undefined;
  private checkpointsBack = false;

  /** `path`: the database file for the writer thread's connection; undefined (`:memory:`, `writer_thread: false`): batches run here. */
  constructor(
    readonly handle: Database.Database,
    readonly path?: string,
  ) {}

  private prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.handle.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Direct execution (the caller holds the lock, or no transaction is running). */
  readonly direct: Db = {
    dialect: 'sqlite',
    query: async <T = Row>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).all(...bindRow(params)) as T[],
    get: async <T = Row>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).get(...bindRow(params)) as T | undefined,
    exec: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: this.prepare(sql).run(...bindRow(params)).changes }),
    script: async (sql: string) => void this.handle.exec(sql),
    transaction: (fn) => fn(this.direct), // nested: part of the outer transaction
    close: async () => undefined,
  };

  private async idle(): Promise<void> {
    while (this.locked) await this.lock;
  }

  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    if (this.locked) await this.idle();
    return this.unlessBusy(() => this.prepare(sql).all(...bindRow(params)) as T[]);
  }

  async get<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    if (this.locked) await this.idle();
    return this.unlessBusy(() => this.prepare(sql).get(...bindRow(params)) as T | undefined);
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    if (this.locked) await this.idle();
    return this.unlessBusy(() => ({ changes: this.prepare(sql).run(...bindRow(params)).changes }));
  }

  async script(sql: string): Promise<void> {
    if (this.locked) await this.idle();
    return this.unlessBusy(() => void this.handle.exec(sql));
  }

  /**
   * Runs `sql` once per row in one transaction: on the writer thread for a file, here for `:memory:`.
   * Resolves once committed (the main connection then sees the rows).
   */
  async writeBatch(sql: string, rows: readonly WriterRow[]): Promise<void> {
    if (this.path === undefined || this.writer?.unusable === true) {
      if (this.locked) await this.idle();
      if (this.writer !== undefined && !this.checkpointsBack) {
        // the writer thread gave up: checkpoints come back to this connection, once
        this.handle.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
        this.checkpointsBack = true;
      }
      runBatch(this.handle, (s) => this.prepare(s), sql, rows);
      return;
    }
    if (this.writer === undefined) {
      this.writer = new SqliteWriter({ path: this.path, ...WRITER });
      // its frequent commits checkpoint the WAL (copying pages into the file): none on this thread
      this.handle.pragma('wal_autocheckpoint = 0');
    }
    return this.writer.write(sql, rows);
  }

  /** True while a writer thread is running. */
  get writerRunning(): boolean {
    return this.writer?.running ?? false;
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    let release!: () => void;
    // while another connection holds the write lock this one's other callers go on (retryBusy waits idle, not locked)
    await this.retryBusy(() => {
      this.handle.exec('BEGIN IMMEDIATE');
      this.locked = true; // in the same tick as BEGIN: no other caller's statement lands inside
      this.lock = new Promise<void>((r) => (release = r));
    });
    try {
      const out = await fn(this.direct);
      this.handle.exec('COMMIT');
      return out;
    } catch (e) {
      if (this.handle.inTransaction) this.handle.exec('ROLLBACK');
      throw e;
    } finally {
      this.locked = false;
      release();
    }
  }

  /** Runs a statement outside a transaction; refused for a lock held elsewhere, it is retried without blocking the thread. */
  private unlessBusy<T>(op: () => T): T | Promise<T> {
    try {
      return op();
    } catch (e) {
      if (!isBusy(e)) throw e;
      return this.retryBusy(op);
    }
  }

  /** Retries `op` after growing async pauses while it fails with SQLITE_BUSY, each time once no transaction of this connection runs. */
  private async retryBusy<T>(op: () => T): Promise<T> {
    const until = Date.now() + BUSY_TIMEOUT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      if (this.locked) await this.idle();
      try {
        return op();
      } catch (e) {
        if (!isBusy(e) || Date.now() >= until) throw e;
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  async close(): Promise<void> {
    await this.writer?.close();
    await this.idle();
    this.statements.clear();
    if (this.handle.open) this.handle.close();
  }
}

export interface SqliteOptions {
  /** writeBatch on a writer thread (default true); false runs it on the calling thread (one worker thread's ~8 MiB less RSS). */
  writerThread?: boolean;
}

/** `storage:` with the SQLite driver: `path`, `writer_thread` (default true). */
export function openSqliteStorage(s: StorageConfig): SqliteDb {
  const w = s.raw.writer_thread;
  if (w !== undefined && typeof w !== 'boolean') throw new Error('invalid config: storage.writer_thread: must be a boolean');
  return openSqlite(s.path, { writerThread: w !== false });
}

/** Opens (creating the directory and file) a SQLite database in WAL mode; ':memory:' for a throwaway one. */
export function openSqlite(path: string, opts: SqliteOptions = {}): SqliteDb {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  // busy timeout 0: a lock held elsewhere is waited for asynchronously (retryBusy), never by
  // sleeping in SQLite's busy handler; the WAL switch retries itself
  const handle = new Database(memory ? ':memory:' : resolve(path), { timeout: 0 });
  if (!memory) enableWal(handle, BUSY_TIMEOUT_MS);
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  return new SqliteDb(handle, memory || opts.writerThread === false ? undefined : resolve(path));
}
