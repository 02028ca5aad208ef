/**
 * The SQLite `Db` (better-sqlite3): one connection in WAL mode, prepared statements cached.
 * better-sqlite3 is synchronous, so each call runs at once; an async transaction holds a lock
 * that makes other callers wait until it commits, so their statements never land inside it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Row, SqlValue } from './db.js';

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  /** Resolves when the running transaction (if any) is over. */
  private lock: Promise<void> = Promise.resolve();
  private locked = false;

  constructor(readonly handle: Database.Database) {}

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
    query: async <T = Row>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).all(...bind(params)) as T[],
    get: async <T = Row>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).get(...bind(params)) as T | undefined,
    exec: async (sql: string, params: readonly SqlValue[] = []) => ({ changes: this.prepare(sql).run(...bind(params)).changes }),
    script: async (sql: string) => void this.handle.exec(sql),
    transaction: (fn) => fn(this.direct), // nested: part of the outer transaction
    close: async () => undefined,
  };

  private async idle(): Promise<void> {
    while (this.locked) await this.lock;
  }

  async query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (this.locked) await this.idle();
    return this.direct.query<T>(sql, params);
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    if (this.locked) await this.idle();
    return this.direct.get<T>(sql, params);
  }

  async exec(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    if (this.locked) await this.idle();
    return this.direct.exec(sql, params);
  }

  async script(sql: string): Promise<void> {
    if (this.locked) await this.idle();
    return this.direct.script(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    await this.idle();
    this.locked = true;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    try {
      this.handle.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(this.direct);
        this.handle.exec('COMMIT');
        return out;
      } catch (e) {
        if (this.handle.inTransaction) this.handle.exec('ROLLBACK');
        throw e;
      }
    } finally {
      this.locked = false;
      release();
    }
  }

  async close(): Promise<void> {
    await this.idle();
    this.statements.clear();
    if (this.handle.open) this.handle.close();
  }
}

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : p));
}

/** Opens (creating the directory and file) a SQLite database in WAL mode; ':memory:' for a throwaway one. */
export function openSqlite(path: string): SqliteDb {
  const memory = path === ':memory:';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const handle = new Database(memory ? ':memory:' : resolve(path));
  if (!memory) handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('busy_timeout = 5000');
  handle.pragma('foreign_keys = ON');
  return new SqliteDb(handle);
}
