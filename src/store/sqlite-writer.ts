/**
 * A writer thread for one SQLite file: batches of rows are posted to a worker_thread that owns
 * its own better-sqlite3 connection (src/store/sqlite-writer-worker.ts) and runs each batch in one
 * transaction there, so the inserts, the commit and WAL checkpoints cost the main thread nothing
 * but one postMessage. WAL mode lets the main connection read while the writer writes; it sees a
 * batch once `write` has resolved.
 *
 * The thread is started on the first write, is unref'd while idle (it never keeps the process
 * alive on its own, but does while a write is in flight), loads only better-sqlite3, and runs
 * with small heap limits and a small page cache (its memory counts against the gateway's RSS).
 * A crashed thread fails the writes in flight; the next write starts a new one. A thread that
 * fails before its first answer (it cannot load its modules) marks the writer `unusable`, and
 * SqliteDb writes on the main thread from then on.
 */
import { SHARE_ENV, Worker, type WorkerOptions } from 'node:worker_threads';
import type { BatchValue } from './db.js';

/** workerData of the writer thread. */
export interface WriterData {
  path: string;
  /** How long the writer waits for a lock held by another connection (it blocks only its own thread). */
  busyTimeoutMs: number;
  /** Its page cache, KiB. */
  cacheKiB: number;
}

export type WriterRow = readonly BatchValue[];
export interface WriterRequest {
  id: number;
  sql: string;
  rows: readonly WriterRow[];
}
export interface WriterReply {
  id: number;
  error?: string;
  code?: string | undefined;
}

/**
 * Its heap: a young generation of 8 MiB. With v2's row-per-record batches (~1 MiB of strings and
 * arrays per 1000 records, one structured clone) 2 MiB cost 10.5–10.9 µs per record over all
 * threads against 8.4–8.9 with 8. A v3 batch is one ~85-KB string, and 2 against 8 no longer
 * differs (1.96 against 1.67–2.01 µs per record; peak RSS in a 20,000-record burst 90.2 against
 * 90.8 MiB; bench/micro/genlog.ts): left at 8.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48, stackSizeMb: 1 };
const CLOSE_TIMEOUT_MS = 5_000;

/** Starts the worker: the compiled .js next to this file, or under tsx (tests) the .ts with tsx's loader registered first. */
function spawn(data: WriterData): Worker {
  const opts: WorkerOptions = { workerData: data, execArgv: [], env: SHARE_ENV, resourceLimits: RESOURCE_LIMITS };
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./sqlite-writer-worker.js', here), opts);
  // Node 20 workers don't inherit tsx's module hooks: register them, then load the entry
  const entry = JSON.stringify(new URL('./sqlite-writer-worker.ts', here).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((t) => { t.register(); return import(${entry}); })`, { ...opts, eval: true });
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  done: Promise<void>;
}

export class SqliteWriter {
  private worker: Worker | undefined;
  private answered = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private closed = false;
  /** The thread could not be started (or failed before its first answer): the caller writes on its own thread instead. */
  unusable = false;

  constructor(
    private readonly data: WriterData,
    private readonly spawnThread: (data: WriterData) => Worker = spawn,
  ) {}

  /** Runs `sql` once per row, all in one transaction on the writer's connection; resolves when committed. */
  write(sql: string, rows: readonly WriterRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('sqlite writer: closed'));
    let w: Worker;
    try {
      w = this.worker ?? this.start();
    } catch (e) {
      this.unusable = true;
      return Promise.reject(e);
    }
    if (this.waiting.size === 0) w.ref();
    const id = this.nextId++;
    const waiter = {} as Waiter;
    waiter.done = new Promise<void>((resolve, reject) => {
      waiter.resolve = resolve;
      waiter.reject = reject;
    });
    this.waiting.set(id, waiter);
    w.postMessage({ id, sql, rows } satisfies WriterRequest);
    return waiter.done;
  }

  /** True while the writer thread is running (for tests and diagnostics). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  private start(): Worker {
    const w = this.spawnThread(this.data);
    this.answered = false;
    w.unref();
    w.on('message', (m: WriterReply) => this.settle(m));
    w.on('error', (err) => {
      if (this.worker === w && !this.answered) this.unusable = true; // e.g. its modules failed to load: no point restarting it
      this.fail(w, err);
    });
    w.on('exit', (code) => this.fail(w, new Error(`sqlite writer thread exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  private settle(m: WriterReply): void {
    this.answered = true;
    const waiter = this.waiting.get(m.id);
    if (waiter === undefined) return;
    this.waiting.delete(m.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (m.error === undefined) waiter.resolve();
    else waiter.reject(Object.assign(new Error(m.error), { code: m.code }));
  }

  /** The thread died: its writes in flight fail (the caller keeps their rows); the next write starts a new one. */
  private fail(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(err);
  }

  /** Waits for the writes in flight, then closes the writer's connection and ends the thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.waiting.values()].map((w) => w.done));
    const w = this.worker;
    if (w === undefined) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.ref();
    w.postMessage('close');
    const timer = setTimeout(() => void w.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
