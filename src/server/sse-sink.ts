/** The SSE side of a streaming chat response: headers, keep-alive comments, frames. */
import type { ServerResponse } from 'node:http';
import type { StreamSink } from '../router/execute.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * SSE writer: sends headers on the first frame or keep-alive comment, writes a keep-alive comment
 * every `keepaliveMs` (0 = never) while no data has been sent, and stops them once data flows.
 */
export class ResponseSink implements StreamSink {
  private timer: NodeJS.Timeout | undefined;
  private dataSent = false;
  constructor(
    private readonly res: ServerResponse,
    private readonly generationId: string,
    keepaliveMs: number,
  ) {
    if (keepaliveMs > 0) this.timer = setInterval(() => this.comment(), keepaliveMs);
  }

  stopComments(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  get committed(): boolean {
    return this.res.headersSent;
  }

  private ensureHeaders(): void {
    if (!this.res.headersSent) {
      // no flushHeaders(): a frame or comment is always written right after, and the headers
      // leave with it in one socket write instead of a write of their own
      this.res.writeHead(200, { ...SSE_HEADERS, 'x-generation-id': this.generationId });
    }
  }

  private comment(): void {
    if (this.dataSent || this.res.writableEnded) return;
    this.ensureHeaders();
    this.res.write(': SWITCHYARD PROCESSING\n\n');
  }

  /** Ends the response (after any frame not yet written). */
  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  write(frame: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    if (!this.dataSent) {
      this.dataSent = true;
      this.stopComments();
      this.ensureHeaders();
    }
    this.res.write(frame);
  }
}
