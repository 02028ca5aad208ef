/**
 * The SQLite writer thread's entry (started by src/store/sqlite-writer.ts): its own better-sqlite3
 * connection to the gateway's database file, running each batch it is sent in one transaction.
 * It loads nothing else (every module costs memory in each thread). Waiting on a lock held by
 * another connection blocks only this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runBatch } from './sqlite-batch.js';
import { enableWal } from './sqlite-wal.js';
import type { WriterData, WriterReply, WriterRequest } from './sqlite-writer.js';

const opts = workerData as WriterData;
const port = parentPort!;
let db: Database.Database | undefined;
const statements = new Map<string, Database.Statement<unknown[], unknown>>();

function open(): Database.Database {
  const d = new Database(opts.path, { timeout: opts.busyTimeoutMs });
  enableWal(d, opts.busyTimeoutMs);
  d.pragma('synchronous = NORMAL');
  d.pragma(`cache_size = -${opts.cacheKiB}`);
  return d;
}

function prepare(d: Database.Database, sql: string) {
  let s = statements.get(sql);
  if (s === undefined) {
    s = d.prepare(sql);
    if (statements.size > 50) statements.clear();
    statements.set(sql, s);
  }
  return s;
}

function write(req: WriterRequest): void {
  db ??= open();
  const d = db;
  runBatch(d, (sql) => prepare(d, sql), req.sql, req.rows);
}

port.on('message', (req: WriterRequest | 'close') => {
  if (req === 'close') {
    statements.clear();
    if (db?.open) db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    write(req);
    reply = { id: req.id };
  } catch (e) {
    const err = e as { message?: unknown; code?: unknown };
    reply = { id: req.id, error: String(err.message ?? e), code: typeof err.code === 'string' ? err.code : undefined };
    if (db !== undefined && !db.open) db = undefined;
  }
  port.postMessage(reply);
});
