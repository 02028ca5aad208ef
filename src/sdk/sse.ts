/**
 * A Server-Sent Events parser (the WHATWG algorithm): any chunk boundary, UTF-8 split across
 * chunks, CR / LF / CRLF line ends, comment lines, multi-line `data:`, `event:` and `id:` fields.
 */
export interface SseMessage {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds bytes (or text); returns the messages completed by them. */
  push(chunk: Uint8Array | string): SseMessage[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** End of input: a final message without its blank line is still dispatched. */
  end(): SseMessage[] {
    this.buffer += this.decoder.decode();
    const out = this.drain(true);
    if (this.buffer !== '') {
      this.line(this.buffer);
      this.buffer = '';
    }
    const last = this.dispatch();
    if (last !== undefined) out.push(last);
    return out;
  }

  private drain(final: boolean): SseMessage[] {
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // a CR at the very end may be the first half of a CRLF split across chunks
      if (c === 13 && i === this.buffer.length - 1 && !final) break;
      const line = this.buffer.slice(start, i);
      if (c === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
      if (line === '') {
        const m = this.dispatch();
        if (m !== undefined) out.push(m);
      } else {
        this.line(line);
      }
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string): void {
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }

  private dispatch(): SseMessage | undefined {
    if (this.data.length === 0) {
      this.event = undefined;
      return undefined;
    }
    const m = { event: this.event, data: this.data.join('\n'), id: this.id };
    this.data = [];
    this.event = undefined;
    return m;
  }
}

/** The messages of an SSE byte stream, as they complete. */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const parser = new SseParser();
  for await (const chunk of body) yield* parser.push(chunk);
  yield* parser.end();
}
