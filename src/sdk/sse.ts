/**
 * A Server-Sent Events parser (the WHATWG algorithm): any chunk boundary, UTF-8 split across
 * chunks, CR / LF / CRLF line ends, comment lines, multi-line `data:`, `event:` and `id:` fields.
 * A message-at-a-time face over the gateway's own decoder (src/providers/shared/sse.ts).
 */
import { SseDecoder } from '../providers/shared/sse.js';

export interface SseMessage {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

export class SseParser {
  private out: SseMessage[] = [];
  private readonly decoder = new SseDecoder((e) => this.out.push({ event: e.event, data: e.data, id: e.id }));

  /** Feeds bytes (or text); returns the messages completed by them. */
  push(chunk: Uint8Array | string): SseMessage[] {
    this.decoder.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    return this.take();
  }

  /** End of input: a final message without its blank line is still dispatched. */
  end(): SseMessage[] {
    this.decoder.end();
    return this.take();
  }

  private take(): SseMessage[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

const encoder = new TextEncoder();

export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const parser = new SseParser();
  for await (const chunk of body) yield* parser.push(chunk);
  yield* parser.end();
}
