/**
 * How a batch of rows runs on a better-sqlite3 connection: the writer thread's
 * (src/store/sqlite-writer-worker.ts) or, where there is none, the main thread's. One
 * transaction; an `INSERT … VALUES (?, …)` runs ROWS_PER_STATEMENT rows per statement (the same
 * INSERT with that many tuples), the rest one row per statement. Each run of a statement costs
 * the thread a call into the driver, a reset and a result object: with the generation log's
 * 24-column rows, 16 rows per statement cost ~12 % less writer-thread CPU per row than one.
 * Params go to `run` as arguments, not as one array: the driver reads an array's elements one
 * `Object::Get` at a time (~1 µs of the ~10 a generation-log row cost the writer thread).
 *
 * Loaded by the writer thread: it imports nothing at run time.
 */
import type Database from 'better-sqlite3';
import type { BatchValue } from './db.js';

export const ROWS_PER_STATEMENT = 16;
/** Params one statement may hold: SQLite's limit before 3.32 (999); a wider row runs one per statement. */
const MAX_PARAMS = 999;

type Statement = Database.Statement<unknown[], unknown>;

/** A param as better-sqlite3 binds it: booleans as 0/1, objects and arrays (not blobs) as JSON text, the rest as it is. */
function bindValue(v: BatchValue): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) return JSON.stringify(v);
  return v;
}

/**
 * The row's params as better-sqlite3 binds them (bindValue). The row itself when no value needs a
 * change (the common case of plain params), else a copy: the caller's row is never changed.
 */
export function bindRow(row: readonly BatchValue[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < row.length; i++) {
    const v = bindValue(row[i]!);
    if (v !== row[i]) (out ??= row.slice())[i] = v;
  }
  return out ?? row;
}

/** One `VALUES (?, …)` tuple of anonymous params, with no other param before or after it. */
const SINGLE_TUPLE = /^([^?]*\bVALUES\s*)(\(\s*\?(?:\s*,\s*\?)*\s*\))([^?]*)$/i;
/** What may follow the tuple: nothing, or skipping conflicts (an upsert or RETURNING stays one row per statement). */
const PLAIN_TAIL = /^\s*(?:ON\s+CONFLICT\s*(?:\([^()]*\))?\s*DO\s+NOTHING\s*)?;?\s*$/i;

/**
 * `sql` for `rows` rows when it is a plain INSERT of one tuple of anonymous params, at most
 * skipping conflicts (the tuple repeated, comma-separated), with the number of params in a
 * tuple; undefined for any other statement (INSERT … SELECT, numbered or named params, params
 * outside the tuple, INSERT OR REPLACE, an upsert, RETURNING), which runs one row per statement.
 */
export function multiRowSql(sql: string, rows: number): { sql: string; width: number } | undefined {
  const m = SINGLE_TUPLE.exec(sql);
  if (m === null || !/^\s*INSERT\s+INTO\b/i.test(m[1]!) || !PLAIN_TAIL.test(m[3]!)) return undefined;
  const tuple = m[2]!;
  let width = 0;
  for (let i = 0; i < tuple.length; i++) if (tuple.charCodeAt(i) === 63 /* ? */) width++;
  if (width * rows > MAX_PARAMS) return undefined;
  return { sql: `${m[1]}${Array.from({ length: rows }, () => tuple).join(', ')}${m[3]}`, width };
}

/**
 * Runs `sql` for every row, in order, in one transaction on `db` (any failure rolls all of it
 * back and throws). `prepare` returns the connection's cached statement for a text.
 */
export function runBatch(db: Database.Database, prepare: (sql: string) => Statement, sql: string, rows: readonly (readonly BatchValue[])[]): void {
  const single = prepare(sql);
  const multi = rows.length >= ROWS_PER_STATEMENT ? multiStatement(prepare, sql, rows) : undefined;
  db.transaction(() => {
    let i = 0;
    if (multi !== undefined) {
      const { stmt, width } = multi;
      const params = new Array<unknown>(ROWS_PER_STATEMENT * width);
      for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) {
        for (let r = 0, p = 0; r < ROWS_PER_STATEMENT; r++) {
          const row = rows[i + r]!;
          for (let c = 0; c < width; c++) params[p++] = bindValue(row[c]!);
        }
        stmt.run(...params);
      }
    }
    for (; i < rows.length; i++) single.run(...bindRow(rows[i]!));
  })();
}

/** The multi-row form of `sql`'s statement, where it has one and every row has a tuple's width of params. */
function multiStatement(prepare: (sql: string) => Statement, sql: string, rows: readonly (readonly BatchValue[])[]): { stmt: Statement; width: number } | undefined {
  const multi = multiRowSql(sql, ROWS_PER_STATEMENT);
  if (multi === undefined) return undefined;
  // a row of another length runs alone, so that better-sqlite3 reports it as it would
  for (const row of rows) if (row.length !== multi.width) return undefined;
  return { stmt: prepare(multi.sql), width: multi.width };
}
