/** The SSE side of a streaming chat response: headers, keep-alive comments, frames. */
import type { ServerResponse } from 'node:http';
import type { StreamSink } from '../router/execute.js';

/**
 * The SSE response headers as the flat [name, value, …] list node:http takes as is (an object
 * costs a spread per request, a key walk and a copy); the generation id is the last value.
 */
const SSE_HEADERS = ['content-type', 'text/event-stream', 'cache-control', 'no-cache', 'connection', 'keep-alive', 'x-accel-buffering', 'no', 'x-generation-id'];

/**
 * The keep-alive comments of the streams waiting for their first data, for one period: one timer
 * ticking four times a period for all of them, not a setInterval per stream (setting and clearing
 * one cost ~0.4 µs and a closure per streamed request, and almost every stream sees its first
 * data long before its first comment is due). A stream's first comment is due a period after it
 * started waiting, each next one a period after the last, written at the first tick past that.
 * The timer stops at a tick that finds nobody waiting.
 */
class KeepaliveClock {
  private readonly waiting = new Set<ResponseSink>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;

  constructor(readonly periodMs: number) {
    this.tickMs = Math.max(1, Math.floor(periodMs / 4));
  }

  add(sink: ResponseSink): void {
    this.waiting.add(sink);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref(); // the server's sockets keep the process alive, not a stream's comments
    }
  }

  delete(sink: ResponseSink): void {
    this.waiting.delete(sink);
  }

  private tick(): void {
    if (this.waiting.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = Date.now();
    for (const sink of this.waiting) sink.commentIfDue(now, this.periodMs);
  }
}

const clocks = new Map<number, KeepaliveClock>();
const clockFor = (periodMs: number): KeepaliveClock => {
  let c = clocks.get(periodMs);
  if (c === undefined) clocks.set(periodMs, (c = new KeepaliveClock(periodMs)));
  return c;
};

/**
 * SSE writer: sends headers on the first frame or keep-alive comment, writes a keep-alive comment
 * every `keepaliveMs` (0 = never) while no data has been sent, and stops them once data flows.
 *
 * Frames are gathered and written with one `res.write` per batch: every `res.write` on a chunked
 * response costs several µs (chunk framing, corking, a write request), and one upstream read
 * usually yields several frames. The batch is written by a `setImmediate` queued with its first
 * frame: in the same event-loop turn, after the socket callbacks of this poll phase, so nothing
 * waits for an upstream read that has not arrived yet; an upstream answer that arrived whole
 * (frames and end in one read) leaves with `end()` in a single socket write instead of two.
 */
export class ResponseSink implements StreamSink {
  /** The clock writing this stream's comments while it waits (undefined once data flows, or with keepaliveMs 0). */
  private clock: KeepaliveClock | undefined;
  /** When the last comment was written, or the stream started waiting (Date.now()). */
  private lastComment = 0;
  private dataSent = false;
  /** Frames written since the last flush ('' when none). */
  private buffered = '';
  private readonly flushSoon = () => this.flush();
  constructor(
    private readonly res: ServerResponse,
    private readonly generationId: string,
    keepaliveMs: number,
  ) {
    if (keepaliveMs > 0) {
      this.lastComment = Date.now();
      this.clock = clockFor(keepaliveMs);
      this.clock.add(this);
    }
  }

  stopComments(): void {
    if (this.clock !== undefined) this.clock.delete(this);
    this.clock = undefined;
  }

  /** A keep-alive comment, when a period has passed since the last one (or since the start). */
  commentIfDue(now: number, periodMs: number): void {
    if (now - this.lastComment < periodMs) return;
    this.lastComment = now;
    this.comment();
  }

  get committed(): boolean {
    return this.res.headersSent;
  }

  private ensureHeaders(): void {
    if (!this.res.headersSent) {
      // no flushHeaders(): a frame or comment is always written right after, and the headers
      // leave with it in one socket write instead of a write of their own
      const list = SSE_HEADERS.slice();
      list.push(this.generationId);
      this.res.writeHead(200, list);
    }
  }

  private comment(): void {
    if (this.dataSent || this.res.writableEnded) return;
    this.ensureHeaders();
    this.res.write(': SWITCHYARD PROCESSING\n\n');
  }

  /** Ends the response, with the frames not yet written in the same write. */
  end(): void {
    const batch = this.buffered;
    this.buffered = '';
    if (this.res.writableEnded) return;
    if (batch !== '' && !this.res.destroyed) this.res.end(batch);
    else this.res.end();
  }

  write(frame: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    if (!this.dataSent) {
      this.dataSent = true;
      this.stopComments();
      // headers now, so `committed` is true from the first frame on
      this.ensureHeaders();
    }
    if (this.buffered === '') {
      this.buffered = frame;
      setImmediate(this.flushSoon);
    } else {
      this.buffered += frame;
    }
  }

  /** Writes the frames gathered so far (no-op when none, or when end() took them). */
  flush(): void {
    const batch = this.buffered;
    if (batch === '') return;
    this.buffered = '';
    if (this.res.writableEnded || this.res.destroyed) return;
    try {
      this.res.write(batch);
    } catch (e) {
      // an immediate must not throw: the response is unusable, close it
      this.res.destroy(e as Error);
    }
  }
}
