/**
 * A Server-Sent Events decoder that accepts bytes split anywhere: inside a UTF-8 character, inside
 * `data:`, between `\r` and `\n`. It works on bytes, scanning only for newline bytes, and decodes a
 * whole line at a time, so multi-byte characters are never cut.
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
  /** The last event id seen (`id:`), present only when the stream sent one. */
  id?: string;
}

const LF = 10;
const CR = 13;
const decoder = new TextDecoder();

/** The unfinished line of the previous chunk followed by this chunk (no copy when there is none). */
function prepend(pending: Uint8Array | undefined, chunk: Uint8Array): Uint8Array {
  if (pending === undefined) return chunk;
  const joined = new Uint8Array(pending.length + chunk.length);
  joined.set(pending, 0);
  joined.set(chunk, pending.length);
  return joined;
}

export class SseDecoder {
  private pending: Uint8Array | undefined;
  private dataLines: string[] = [];
  private eventName: string | undefined;
  private lastId: string | undefined;
  private skipLf = false;

  constructor(private readonly onEvent: (ev: SseEvent) => void) {}

  push(chunk: Uint8Array): void {
    const buf = prepend(this.pending, chunk);
    this.pending = undefined;
    let start = 0;
    const n = buf.length;
    if (!this.skipLf && buf.indexOf(CR) === -1) {
      // the usual case, LF line ends only: native search instead of a byte-by-byte loop
      for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, start)) {
        this.line(buf, start, i);
        start = i + 1;
      }
      if (start < n) this.pending = buf.subarray(start).slice();
      return;
    }
    for (let i = 0; i < n; i++) {
      const b = buf[i];
      if (b !== LF && b !== CR) continue;
      if (b === LF && this.skipLf && i === start) {
        // second half of a CRLF whose CR ended the previous chunk
        this.skipLf = false;
        start = i + 1;
        continue;
      }
      this.skipLf = false;
      this.line(buf, start, i);
      if (b === CR) {
        if (i + 1 < n) {
          if (buf[i + 1] === LF) i++;
        } else {
          this.skipLf = true;
        }
      }
      start = i + 1;
    }
    if (start < n) this.pending = buf.subarray(start).slice();
  }

  /** Flush at end of stream: a final event without its blank line still counts. */
  end(): void {
    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      this.line(p, 0, p.length);
    }
    this.dispatch();
  }

  private line(buf: Uint8Array, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const first = buf[start];
    if (first === 58 /* ':' */) return; // comment
    // fast path for `data: ...`
    if (first === 100 && end - start >= 5 && buf[start + 1] === 97 && buf[start + 2] === 116 && buf[start + 3] === 97 && buf[start + 4] === 58) {
      const off = buf[start + 5] === 32 ? 6 : 5;
      this.dataLines.push(decoder.decode(buf.subarray(start + off, end)));
      return;
    }
    const text = decoder.decode(buf.subarray(start, end));
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    // retry is ignored: nobody we talk to relies on it
  }

  private dispatch(): void {
    if (this.dataLines.length === 0) {
      this.eventName = undefined;
      return;
    }
    const data = this.dataLines.length === 1 ? this.dataLines[0]! : this.dataLines.join('\n');
    const event = this.eventName;
    this.dataLines = [];
    this.eventName = undefined;
    this.onEvent(this.lastId === undefined ? { event, data } : { event, data, id: this.lastId });
  }
}

/** Splits newline-delimited JSON (Ollama and friends) with the same boundary tolerance. */
export class LineDecoder {
  private pending: Uint8Array | undefined;
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    const buf = prepend(this.pending, chunk);
    this.pending = undefined;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      if (buf[i] !== LF) continue;
      let end = i;
      if (end > start && buf[end - 1] === CR) end--;
      if (end > start) this.onLine(decoder.decode(buf.subarray(start, end)));
      start = i + 1;
    }
    if (start < buf.length) this.pending = buf.subarray(start).slice();
  }

  end(): void {
    if (this.pending === undefined) return;
    const text = decoder.decode(this.pending).trim();
    this.pending = undefined;
    if (text !== '') this.onLine(text);
  }
}
