/**
 * A Server-Sent Events decoder that accepts bytes split anywhere: inside a UTF-8 character, inside
 * `data:`, between `\r` and `\n`. Each chunk is decoded to text once (a multi-byte character cut
 * at the chunk's end waits for the next chunk), then split into lines with native string search.
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

/**
 * Where the complete UTF-8 characters of `b` end: b.length, or the start of a multi-byte
 * character whose last bytes are still to come. Looks at the last 3 bytes at most.
 */
function completeUtf8End(b: Uint8Array): number {
  const n = b.length;
  if (n === 0 || b[n - 1]! < 0x80) return n; // ends in ASCII: the usual case
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return i + len > n ? i : n;
  }
  return n; // not UTF-8 (stray continuation bytes): the decoder replaces them
}

/** The bytes of a cut character carried over, followed by this chunk. */
function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

/** Chunks of bytes → text, holding back a UTF-8 character cut at a chunk's end. */
class Utf8Chunks {
  private carry: Uint8Array | undefined;

  text(chunk: Uint8Array): string {
    const bytes = this.carry === undefined ? chunk : joinBytes(this.carry, chunk);
    this.carry = undefined;
    const end = completeUtf8End(bytes);
    if (end === bytes.length) return decoder.decode(bytes);
    this.carry = bytes.slice(end);
    return decoder.decode(bytes.subarray(0, end));
  }

  /** What is left at end of stream (a cut character decodes to U+FFFD). */
  rest(): string {
    const c = this.carry;
    this.carry = undefined;
    return c === undefined ? '' : decoder.decode(c);
  }
}

export class SseDecoder {
  private readonly utf8 = new Utf8Chunks();
  /** The unfinished line of the previous chunk ('' when none). */
  private pending = '';
  /** The data of the event being read: undefined until a data line came. */
  private data: string | undefined;
  private eventName: string | undefined;
  private lastId: string | undefined;
  /** The previous chunk ended in CR: a LF starting this one belongs to it. */
  private skipLf = false;
  private first = true;

  constructor(private readonly onEvent: (ev: SseEvent) => void) {}

  push(chunk: Uint8Array): void {
    let text = this.utf8.text(chunk);
    if (this.first && text !== '') {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark opens the stream only
    }
    this.feed(text);
  }

  /** Flush at end of stream: a final event without its blank line still counts. */
  end(): void {
    const tail = this.utf8.rest();
    if (tail !== '') this.feed(tail);
    if (this.pending !== '') {
      const p = this.pending;
      this.pending = '';
      this.line(p, 0, p.length);
    }
    this.dispatch();
  }

  private feed(text: string): void {
    if (text === '') return;
    const s = this.pending === '' ? text : this.pending + text;
    this.pending = '';
    let start = 0;
    const n = s.length;
    if (!this.skipLf && text.indexOf('\r') === -1) {
      // the usual case, LF line ends only
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
        this.line(s, start, i);
        start = i + 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c !== LF && c !== CR) continue;
        if (c === LF && this.skipLf && i === start) {
          // second half of a CRLF whose CR ended the previous chunk
          this.skipLf = false;
          start = i + 1;
          continue;
        }
        this.skipLf = false;
        this.line(s, start, i);
        if (c === CR) {
          if (i + 1 < n) {
            if (s.charCodeAt(i + 1) === LF) i++;
          } else {
            this.skipLf = true;
          }
        }
        start = i + 1;
      }
    }
    if (start < n) this.pending = start === 0 ? s : s.slice(start);
  }

  private line(s: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const first = s.charCodeAt(start);
    if (first === 58 /* ':' */) return; // comment
    let field: string;
    let value: string;
    // fast path for `data: ...`
    if (first === 100 && end - start >= 5 && s.charCodeAt(start + 1) === 97 && s.charCodeAt(start + 2) === 116 && s.charCodeAt(start + 3) === 97 && s.charCodeAt(start + 4) === 58) {
      field = 'data';
      value = s.slice(s.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end);
    } else {
      const colon = s.indexOf(':', start);
      if (colon === -1 || colon >= end) {
        field = s.slice(start, end);
        value = '';
      } else {
        field = s.slice(start, colon);
        value = s.slice(s.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1, end);
      }
    }
    if (field === 'data') this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    // retry is ignored: nobody we talk to relies on it
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.eventName;
    this.data = undefined;
    this.eventName = undefined;
    if (data === undefined) return;
    this.onEvent(this.lastId === undefined ? { event, data } : { event, data, id: this.lastId });
  }
}

/** Splits newline-delimited JSON (Ollama and friends) with the same boundary tolerance. */
export class LineDecoder {
  private readonly utf8 = new Utf8Chunks();
  private pending = '';
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Uint8Array): void {
    const s = this.pending + this.utf8.text(chunk);
    let start = 0;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', start)) {
      let end = i;
      if (end > start && s.charCodeAt(end - 1) === CR) end--;
      if (end > start) this.onLine(s.slice(start, end));
      start = i + 1;
    }
    this.pending = start === 0 ? s : s.slice(start);
  }

  end(): void {
    const text = (this.pending + this.utf8.rest()).trim();
    this.pending = '';
    if (text !== '') this.onLine(text);
  }
}
