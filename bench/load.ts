/**
 * The bench's closed-loop load generator: N keep-alive connections to one target, each sending
 * the next request as soon as the previous answer is complete. Unlike autocannon it keeps its
 * connections open between runs, so the bench can switch the load from target to target every
 * few hundred milliseconds (run.ts, `--slice`): a slow phase of the host (on this kind of VM the
 * same process serves the same load 1.5–2× slower for minutes at a time) then falls on every
 * target alike, instead of on whichever one held the cores for its whole 4-s cell.
 *
 * A run is a slice: `run(ms)` starts a request on every connection, starts the next one on each
 * answer until `ms` have passed, then waits for the answers in flight (the drain). Throughput is
 * requests started per second of slice: in steady state the requests started in a window are
 * what the target completes in a window of that length (the first burst of N stands for the N
 * answers still in flight at the end), so neither the ramp-up nor the drain biases it, whatever
 * the target's latency. Every request started in a slice completes (or fails) before `run`
 * resolves, so CPU read around a slice belongs to its requests.
 *
 * The HTTP/1.1 reader is minimal and exact for what the targets send: a status line, headers,
 * then a `content-length` body or a chunked one (no trailers). A request is an error when the
 * status is not 200, the connection fails, or no answer came within `timeoutMs`.
 */
import { connect, type Socket } from 'node:net';

export interface LoadTarget {
  /** http://host:port */
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface SliceResult {
  /** Requests started in the slice (all of them answered or failed before it ended). */
  requests: number;
  errors: number;
  /** The slice's length in ms (the window requests were started in; the drain is not in it). */
  ms: number;
  /** ms from each request's start to its answer's last byte, in completion order. */
  latencies: number[];
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** One keep-alive connection's reader state. */
class Conn {
  socket: Socket | undefined;
  private buf: Buffer | undefined;
  /** Bytes of body still to come (content-length), or -1 while headers are read, -2 in a chunked body. */
  private want = -1;
  private status = 0;
  private started = 0n;
  onDone: ((ok: boolean, ms: number) => void) | undefined;
  busy = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly request: Buffer,
  ) {}

  send(): void {
    this.busy = true;
    this.started = process.hrtime.bigint();
    this.want = -1;
    this.buf = undefined;
    if (this.socket === undefined || this.socket.destroyed) this.open();
    this.socket!.write(this.request);
  }

  private open(): void {
    const s = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = s;
    s.on('data', (d: Buffer) => this.onData(d));
    // only the current connection's end fails the request in flight (close() forgets it first)
    const fail = () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      if (this.busy) this.finish(false);
    };
    s.on('error', fail);
    s.on('close', fail);
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }

  private finish(ok: boolean): void {
    this.busy = false;
    this.buf = undefined;
    const ms = Number(process.hrtime.bigint() - this.started) / 1e6;
    this.onDone?.(ok, ms);
  }

  private onData(d: Buffer): void {
    if (!this.busy) return; // bytes after a failed request: the connection is dropped below
    let b = this.buf === undefined ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.want === -1) {
        const end = b.indexOf(CRLF2);
        if (end === -1) break;
        this.status = (b[9]! - 48) * 100 + (b[10]! - 48) * 10 + (b[11]! - 48);
        const head = b.toString('latin1', 0, end).toLowerCase();
        const cl = /\r\ncontent-length:\s*(\d+)/.exec(head);
        b = b.subarray(end + 4);
        if (cl !== null) this.want = Number(cl[1]);
        else if (/\r\ntransfer-encoding:\s*chunked/.test(head)) this.want = -2;
        else {
          // neither: the body runs to the connection's end, which a keep-alive load cannot use
          this.close();
          this.finish(false);
          return;
        }
      }
      if (this.want >= 0) {
        if (b.length < this.want) break;
        b = b.subarray(this.want);
        this.want = -1;
        return this.complete(b);
      }
      // chunked: a size line, the chunk, CRLF; the zero chunk ends the body (then CRLF, no trailers)
      const eol = b.indexOf(CRLF);
      if (eol === -1) break;
      const size = parseInt(b.toString('latin1', 0, eol), 16);
      if (!Number.isFinite(size)) {
        this.close();
        this.finish(false);
        return;
      }
      if (b.length < eol + 2 + size + 2) break;
      b = b.subarray(eol + 2 + size + 2);
      if (size === 0) {
        this.want = -1;
        return this.complete(b);
      }
    }
    this.buf = b.length === 0 ? undefined : b;
  }

  private complete(rest: Buffer): void {
    if (rest.length > 0) this.close(); // bytes nobody asked for: not a state to measure on
    this.finish(this.status === 200);
  }
}

export class LoadClient {
  private readonly conns: Conn[];

  constructor(target: LoadTarget, connections: number) {
    const u = new URL(target.url);
    const headers = { host: u.host, ...target.headers, 'content-length': String(Buffer.byteLength(target.body)) };
    const head = `POST ${target.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const request = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(target.body, 'utf8')]);
    this.conns = Array.from({ length: connections }, () => new Conn(u.hostname, Number(u.port), request));
  }

  /** Loads the target for `ms` (see the file's comment); resolves once every request started is answered. */
  run(ms: number, timeoutMs = 15_000): Promise<SliceResult> {
    return new Promise((resolve) => {
      const out: SliceResult = { requests: 0, errors: 0, ms, latencies: [] };
      const t0 = performance.now();
      let inFlight = 0;
      let stopped = false;
      const settle = () => {
        clearTimeout(stopTimer);
        clearTimeout(hang);
        for (const c of this.conns) c.onDone = undefined;
        resolve(out);
      };
      const next = (c: Conn) => {
        out.requests++;
        inFlight++;
        c.send();
      };
      const stopTimer = setTimeout(() => {
        stopped = true;
        out.ms = performance.now() - t0;
        if (inFlight === 0) settle();
      }, ms);
      // a target that stops answering must not hang the bench: what is in flight counts as errors
      const hang = setTimeout(() => {
        for (const c of this.conns)
          if (c.busy) {
            c.onDone = undefined;
            c.busy = false;
            c.close();
            out.errors++;
          }
        settle();
      }, ms + timeoutMs);
      for (const c of this.conns) {
        c.onDone = (ok, lat) => {
          inFlight--;
          if (ok) out.latencies.push(lat);
          else out.errors++;
          if (!stopped) next(c);
          else if (inFlight === 0) settle();
        };
      }
      for (const c of this.conns) next(c);
    });
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}
