/**
 * One upstream exchange read through undici's dispatch handler API instead of `pool.request()`:
 * the response body is this object, not a Node Readable. `request()` wraps every response in a
 * BodyReadable (stream state, an async iterator with a promise per chunk, an AsyncResource) that
 * the gateway only ever drains; here a chunk goes from undici's parser straight to its reader:
 *
 *   - `each(fn)`: every chunk is handed to `fn` in the same tick it was read (the stream path: no
 *     chunk waits for a later turn); `fn` returning false stops reading and drops the connection.
 *   - `text()`: the whole body as one string (the JSON path).
 *   - async iteration, for readers that want it (recording, the emulated-tools retry).
 *
 * Chunks that arrive before a reader is attached (the body often comes in the same socket read as
 * the head) are queued; past HIGH_WATER bytes queued the socket is paused until they are read.
 * A transport failure (reset, timeout, garbage) rejects whichever read is waiting; the caller's
 * AbortSignal aborts the exchange at any point; `destroy()` ends it early (a no-op once it ended).
 */
import type { Dispatcher } from 'undici';
import { errors, util } from 'undici';
import type { UpstreamBody, UpstreamExchange } from '../providers/types.js';
import { transportError } from './transport-error.js';

/** Bytes queued for a reader that is not reading (yet) before the socket is paused. */
export const HIGH_WATER = 64 * 1024;

type State = 'head' | 'body' | 'done' | 'failed' | 'destroyed';
type Reader =
  | { kind: 'each'; fn: (chunk: Uint8Array) => boolean | void; resolve: () => void; reject: (e: Error) => void }
  | { kind: 'text'; resolve: (s: string) => void; reject: (e: Error) => void }
  | { kind: 'next'; resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void };

const DONE: IteratorResult<Uint8Array> = { done: true, value: undefined };

/**
 * The head of an answer. Its headers are parsed when first read: a 2xx answer's usually never
 * are. A class, so the accessors live on the prototype (an object literal with get/set defines
 * two new closures and its accessors at run time, on every response).
 */
class Exchange implements UpstreamExchange {
  private parsed: Record<string, string | string[] | undefined> | undefined;
  constructor(
    readonly status: number,
    private readonly raw: Buffer[] | string[] | null,
    readonly body: UpstreamBody,
  ) {}

  get headers(): Record<string, string | string[] | undefined> {
    return (this.parsed ??= util.parseHeaders(this.raw ?? []));
  }

  set headers(h: Record<string, string | string[] | undefined>) {
    this.parsed = h;
  }
}

export class UpstreamCall implements Dispatcher.DispatchHandler, UpstreamBody {
  /** Settles with the response head (status and headers; the body is this object), or the failure before it. */
  readonly head: Promise<UpstreamExchange>;
  private resolveHead!: (x: UpstreamExchange) => void;
  private rejectHead!: (e: Error) => void;
  private state: State = 'head';
  private abortFn: ((err?: Error) => void) | undefined;
  private resumeFn: (() => void) | undefined;
  private paused = false;
  private queue: Buffer[] = [];
  private queued = 0;
  private reader: Reader | undefined;
  /** A reader was attached once (a body is read once, one way). */
  private taken = false;
  private error: Error | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;

  /** A failure before the head rejects `head` as a GatewayError naming `providerName` (transportError). */
  constructor(
    signal: AbortSignal | undefined,
    private readonly providerName: string,
  ) {
    this.head = new Promise<UpstreamExchange>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    if (signal !== undefined) {
      this.signal = signal;
      this.onAbort = () => this.abort(abortReason(signal));
      if (signal.aborted) this.error = abortReason(signal);
      else signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  // ---- undici's side (legacy handler callbacks, which undici 7 calls directly) ----

  onConnect(abort: (err?: Error) => void): void {
    if (this.error !== undefined) abort(this.error); // aborted while queued in the pool
    else this.abortFn = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[] | string[] | null, resume: () => void): boolean {
    if (status < 200) return true; // 1xx: the real head follows
    this.resumeFn = resume;
    this.state = 'body';
    this.resolveHead(new Exchange(status, rawHeaders, this));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.state !== 'body') return false; // stopped by its reader: the abort is on its way
    const r = this.reader;
    if (r !== undefined && r.kind === 'each') {
      if (r.fn(chunk) === false) this.destroy();
      return this.state === 'body';
    }
    if (r !== undefined && r.kind === 'next') {
      this.reader = undefined;
      r.resolve({ done: false, value: chunk });
      return true;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (r !== undefined || this.queued <= HIGH_WATER) return true; // r: text(), which takes everything anyway
    this.paused = true;
    return false;
  }

  onComplete(): void {
    if (this.state !== 'body') return;
    this.state = 'done';
    this.cleanup();
    const r = this.reader;
    if (r === undefined) return;
    this.reader = undefined;
    if (r.kind === 'text') r.resolve(this.drainText());
    else if (r.kind === 'each') r.resolve();
    else r.resolve(DONE); // a next() waits only on an empty queue
  }

  onError(err: Error): void {
    if (this.state === 'done' || this.state === 'failed' || this.state === 'destroyed') return;
    const before = this.state === 'head';
    this.state = 'failed';
    this.error = err;
    this.cleanup();
    if (before) {
      this.rejectHead(transportError(err, this.providerName));
      return;
    }
    const r = this.reader;
    this.reader = undefined;
    r?.reject(err);
  }

  // ---- the reader's side ----

  each(fn: (chunk: Uint8Array) => boolean | void): Promise<void> {
    if (this.taken) return Promise.reject(alreadyRead());
    this.taken = true;
    while (this.queue.length > 0) {
      const c = this.queue.shift()!;
      this.queued -= c.length;
      if (fn(c) === false) {
        this.destroy();
        return Promise.resolve();
      }
    }
    if (this.state === 'done' || this.state === 'destroyed') return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(this.error!);
    return new Promise<void>((resolve, reject) => {
      this.reader = { kind: 'each', fn, resolve, reject };
      this.resumeIfPaused();
    });
  }

  text(): Promise<string> {
    if (this.taken) return Promise.reject(alreadyRead());
    this.taken = true;
    if (this.state === 'done') return Promise.resolve(this.drainText());
    if (this.state === 'failed') return Promise.reject(this.error!);
    if (this.state === 'destroyed') return Promise.reject(new errors.RequestAbortedError('upstream body destroyed'));
    return new Promise<string>((resolve, reject) => {
      this.reader = { kind: 'text', resolve, reject };
      this.resumeIfPaused();
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.taken) throw alreadyRead();
    this.taken = true;
    return {
      next: () => {
        if (this.queue.length > 0) {
          const c = this.queue.shift()!;
          this.queued -= c.length;
          if (this.queued <= HIGH_WATER) this.resumeIfPaused();
          return Promise.resolve({ done: false, value: c });
        }
        if (this.state === 'done' || this.state === 'destroyed') return Promise.resolve(DONE);
        if (this.state === 'failed') return Promise.reject(this.error!);
        if (this.reader !== undefined) return Promise.reject(new Error('upstream body: next() called before the previous one settled'));
        return new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
          this.reader = { kind: 'next', resolve, reject };
          this.resumeIfPaused();
        });
      },
      return: () => {
        this.destroy();
        return Promise.resolve(DONE);
      },
    };
  }

  /**
   * The reader ends the exchange early (`each`'s callback returned false, a loop broke, the router is
   * done): a pending `each` or `next()` resolves as ended, and the connection is dropped, not reused,
   * once the undici callback on the stack (if any) has returned. A no-op once the body ended.
   */
  destroy(): void {
    if (this.state !== 'body') return;
    this.state = 'destroyed';
    this.cleanup();
    this.queue = [];
    this.queued = 0;
    const r = this.reader;
    this.reader = undefined;
    if (r?.kind === 'each') r.resolve();
    else if (r?.kind === 'next') r.resolve(DONE);
    else r?.reject(new errors.RequestAbortedError('upstream body destroyed'));
    const abort = this.abortFn;
    if (abort !== undefined) queueMicrotask(() => abort(new errors.RequestAbortedError('upstream body destroyed')));
  }

  // ----

  /** The caller's signal fired: the exchange fails with its reason, whatever state it is in. */
  private abort(err: Error): void {
    if (this.state === 'done' || this.state === 'failed' || this.state === 'destroyed') return;
    if (this.abortFn !== undefined) this.abortFn(err); // undici calls onError(err) synchronously
    else if (this.state === 'head') this.error = err; // not connected yet: onConnect aborts it
    if ((this.state as State) !== 'failed') this.onError(err); // undici had already finished the request
  }

  private resumeIfPaused(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeFn?.();
  }

  private drainText(): string {
    const q = this.queue;
    this.queue = [];
    this.queued = 0;
    if (q.length === 0) return '';
    return (q.length === 1 ? q[0]! : Buffer.concat(q)).toString('utf8');
  }

  private cleanup(): void {
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

function alreadyRead(): Error {
  return new Error('upstream body: already being read');
}

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  return r instanceof Error ? r : new errors.RequestAbortedError();
}
