/**
 * Switching a database file to WAL mode, as every connection of the gateway does when it opens.
 * On a new file the switch needs an exclusive lock, and two connections switching at once (the
 * `serve --workers N` processes starting on a fresh database) can deadlock on it: each holds a
 * shared lock and wants the exclusive one, and SQLite answers one of them SQLITE_BUSY at once,
 * without calling its busy handler. So the switch is retried here, after short pauses, for up to
 * `timeoutMs`. Synchronous: it runs while a connection opens, never on a request.
 *
 * Loaded by the writer thread: it imports nothing at run time.
 */
import type Database from 'better-sqlite3';

export const isBusy = (e: unknown): boolean =>
  typeof (e as { code?: unknown })?.code === 'string' && (e as { code: string }).code.startsWith('SQLITE_BUSY');

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * `PRAGMA journal_mode = WAL`, retried while SQLite answers SQLITE_BUSY; throws the last error
 * after `timeoutMs`. Returns the mode the file is in (a file system without shared memory keeps
 * its rollback journal: SQLite says so rather than failing, and so does this).
 */
export function enableWal(db: Database.Database, timeoutMs: number): string {
  const until = Date.now() + timeoutMs;
  for (let ms = 1; ; ms = Math.min(ms * 2, 25)) {
    try {
      return String(db.pragma('journal_mode = WAL', { simple: true }));
    } catch (e) {
      if (!isBusy(e) || Date.now() >= until) throw e;
    }
    Atomics.wait(pause, 0, 0, ms);
  }
}
