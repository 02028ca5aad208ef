/**
 * `application/vnd.amazon.eventstream` framing: bytes in any cut → whole messages, decoded (and
 * CRC-checked) by AWS's EventStreamCodec. A message announces its total length in its first four
 * bytes (big-endian), so bytes are buffered until a whole message is there; one read may also
 * carry several messages. The codec is built on the first message (its library loads then: aws.ts).
 */
import type { EventStreamCodec, Message } from '@smithy/eventstream-codec';
import { awsLibs } from './aws.js';

let shared: EventStreamCodec | undefined;
function codec(): EventStreamCodec {
  if (shared === undefined) {
    const { EventStreamCodec, toUtf8, fromUtf8 } = awsLibs();
    shared = new EventStreamCodec(toUtf8, fromUtf8);
  }
  return shared;
}
/** prelude (12) + message CRC (4) */
const MIN_MESSAGE = 16;
/** The codec's own limit (16 MiB); larger prefixes mean the stream is not eventstream at all. */
const MAX_MESSAGE = 16 * 1024 * 1024;

export class EventStreamDecoder {
  /** Unconsumed bytes, as received (joined only once a whole message is there: no quadratic copying). */
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Length of the message being waited for, once its prefix has been read. */
  private need = 0;

  constructor(private readonly onMessage: (m: Message) => void) {}

  /** Throws when the bytes are not a valid eventstream (bad length or CRC). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need === 0) {
        if (this.buffered < 4) return;
        const prefix = this.peek(4);
        const total = new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0, false);
        if (total < MIN_MESSAGE || total > MAX_MESSAGE) throw new Error(`invalid eventstream message length ${total}`);
        this.need = total;
      }
      if (this.buffered < this.need) return;
      const message = codec().decode(this.take(this.need));
      this.need = 0;
      this.onMessage(message);
    }
  }

  /** Bytes left over: the stream was cut inside a message. */
  get pending(): number {
    return this.buffered;
  }

  /** The first n buffered bytes, without consuming them. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let off = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (off === n) break;
    }
    return out;
  }

  /** Removes and returns the first n buffered bytes (one copy at most). */
  private take(n: number): Uint8Array {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let off = 0;
    let i = 0;
    for (; off < n; i++) {
      const c = this.chunks[i]!;
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k < c.length) {
        this.chunks[i] = c.subarray(k);
        break;
      }
    }
    // chunks before i are used up (a partly used chunk i was cut to its rest)
    this.chunks.splice(0, i);
    return out;
  }
}

/** A header's string value. */
export function header(m: Message, name: string): string | undefined {
  const h = m.headers[name];
  return h !== undefined && h.type === 'string' ? h.value : undefined;
}

