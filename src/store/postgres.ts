/**
 * The PostgreSQL `Db` (`pg`): a connection pool, `?` placeholders rewritten to `$1, $2, …`, and
 * BIGINT / NUMERIC parsed as JS numbers, so SQL written against src/store/db.ts runs unchanged on
 * SQLite and here. Chosen by `storage: { type: postgres, url: postgres://… }` (several gateway
 * replicas share one database this way).
 */
import pg from 'pg';
import { redactUrl } from '../state/url.js';
import type { Db, Row, SqlValue, StorageConfig } from './db.js';

export { redactUrl };

// int8 (BIGINT, COUNT(*)) and numeric (SUM of integers) come back as strings by default
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** Rewrites positional `?` placeholders to `$n` (the Db rules forbid a literal `?` in SQL text). */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const cache = new Map<string, string>();
function rewrite(sql: string): string {
  let out = cache.get(sql);
  if (out === undefined) {
    out = toPgPlaceholders(sql);
    if (cache.size > 1000) cache.clear();
    cache.set(sql, out);
  }
  return out;
}

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (p === true ? 1 : p === false ? 0 : typeof p === 'bigint' ? p.toString() : p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** One Db over a pool, or over a single client inside a transaction. */
class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly q: Queryable,
    private readonly pool: pg.Pool | undefined,
  ) {}

  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const r = await this.q.query(rewrite(sql), bind(params));
    return r.rows as T[];
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.query<T>(sql, params))[0];
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    const r = await this.q.query(rewrite(sql), bind(params));
    return { changes: r.rowCount ?? 0 };
  }

  async script(sql: string): Promise<void> {
    await this.q.query(sql); // simple query protocol: several statements, no params
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    if (this.pool === undefined) return fn(this); // nested: part of the outer transaction
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(new PgDb(client, undefined));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }
}

export interface PostgresOptions {
  url: string;
  /** Pool size (`storage.pool_size`), default 10. */
  max?: number;
}

/** Connects (and checks the connection) so a wrong URL fails at start with a clear message. */
export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // an idle client lost its server: the pool replaces it
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`storage: cannot connect to PostgreSQL at ${redactUrl(opts.url)}: ${(e as Error).message}`);
  }
  return new PgDb(pool, pool);
}

/** The `storage:` section → a pool (`url` required, `pool_size` optional). */
export function openPostgresStorage(s: StorageConfig): Promise<Db> {
  if (s.url === undefined) throw new Error('storage.url: required for PostgreSQL (postgres://user:password@host:5432/db)');
  const max = s.raw.pool_size === undefined ? undefined : Number(s.raw.pool_size);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) throw new Error('storage.pool_size: must be a positive integer');
  return openPostgres({ url: s.url, max });
}

