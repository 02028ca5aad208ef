/**
 * `application/vnd.amazon.eventstream` framing: bytes in any cut → whole messages, decoded (and
 * CRC-checked) by AWS's EventStreamCodec. A message announces its total length in its first four
 * bytes (big-endian), so bytes are buffered until a whole message is there; one read may also
 * carry several messages.
 */
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
/** prelude (12) + message CRC (4) */
const MIN_MESSAGE = 16;
/** The codec's own limit (16 MiB); larger prefixes mean the stream is not eventstream at all. */
const MAX_MESSAGE = 16 * 1024 * 1024;

export class EventStreamDecoder {
  private buf: Uint8Array = new Uint8Array(0);

  constructor(private readonly onMessage: (m: Message) => void) {}

  /** Throws when the bytes are not a valid eventstream (bad length or CRC). */
  push(chunk: Uint8Array): void {
    if (this.buf.length === 0) this.buf = chunk;
    else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf, 0);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    let off = 0;
    while (this.buf.length - off >= 4) {
      const view = new DataView(this.buf.buffer, this.buf.byteOffset + off, 4);
      const total = view.getUint32(0, false);
      if (total < MIN_MESSAGE || total > MAX_MESSAGE) throw new Error(`invalid eventstream message length ${total}`);
      if (this.buf.length - off < total) break;
      const message = codec.decode(this.buf.subarray(off, off + total));
      off += total;
      this.onMessage(message);
    }
    this.buf = off === 0 ? this.buf : this.buf.slice(off);
  }

  /** Bytes left over: the stream was cut inside a message. */
  get pending(): number {
    return this.buf.length;
  }
}

/** A header's string value. */
export function header(m: Message, name: string): string | undefined {
  const h = m.headers[name];
  return h !== undefined && h.type === 'string' ? h.value : undefined;
}

