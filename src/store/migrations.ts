/**
 * Versioned, idempotent schema migrations. Each feature owns a namespace and an ordered list of
 * numbered migrations:
 *
 *   export const GENERATION_MIGRATIONS: MigrationSet = {
 *     namespace: 'generations',
 *     migrations: [{ version: 1, name: 'create generations', up: ['CREATE TABLE …', 'CREATE INDEX …'] }],
 *   };
 *   await migrate(db, [GENERATION_MIGRATIONS]);
 *
 * The `migrations` table records (namespace, version); each pending migration runs with its
 * record in one transaction, so a crash leaves it either applied or not. Never edit a released
 * migration: add the next version. Statements follow the portable rules of src/store/db.ts.
 */
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  /** Statements (each run with exec), or a function for data migrations. */
  up: readonly string[] | ((tx: Db) => Promise<void>);
}

export interface MigrationSet {
  namespace: string;
  migrations: readonly Migration[];
}

const CREATE = `CREATE TABLE IF NOT EXISTS migrations (
  namespace TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (namespace, version)
)`;

/** Applies every pending migration of the given sets; returns what was applied (`namespace@version`). */
export async function migrate(db: Db, sets: readonly MigrationSet[]): Promise<string[]> {
  // PostgreSQL races two concurrent CREATE TABLE IF NOT EXISTS of one table (a duplicate key in
  // pg_type): replicas starting together on an empty database take turns here too
  await db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext(?))', ['switchyard:migrations']);
    await tx.exec(CREATE);
  });
  const applied: string[] = [];
  for (const set of sets) {
    checkSet(set);
    const sorted = [...set.migrations].sort((a, b) => a.version - b.version);
    for (const m of sorted) {
      const done = await db.transaction(async (tx) => {
        // PostgreSQL replicas starting together: serialise on the namespace
        if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext(?))', [`switchyard:migrations:${set.namespace}`]);
        const row = await tx.get('SELECT version FROM migrations WHERE namespace = ? AND version = ?', [set.namespace, m.version]);
        if (row !== undefined) return false;
        if (typeof m.up === 'function') await m.up(tx);
        else for (const sql of m.up) await tx.exec(sql);
        await tx.exec('INSERT INTO migrations (namespace, version, name, applied_at) VALUES (?, ?, ?, ?)', [set.namespace, m.version, m.name, Date.now()]);
        return true;
      });
      if (done) applied.push(`${set.namespace}@${m.version}`);
    }
  }
  return applied;
}

/** The highest applied version of a namespace (0 when none). */
export async function schemaVersion(db: Db, namespace: string): Promise<number> {
  await db.exec(CREATE);
  const row = await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM migrations WHERE namespace = ?', [namespace]);
  return Number(row?.v ?? 0);
}

function checkSet(set: MigrationSet): void {
  const seen = new Set<number>();
  for (const m of set.migrations) {
    if (!Number.isInteger(m.version) || m.version < 1) throw new Error(`migrations ${set.namespace}: version must be a positive integer (got ${m.version})`);
    if (seen.has(m.version)) throw new Error(`migrations ${set.namespace}: duplicate version ${m.version}`);
    seen.add(m.version);
  }
}
