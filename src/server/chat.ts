/**
 * POST /api/v1/chat/completions: parse once, validate, route, and write JSON or SSE.
 * The only place that touches both the client's HTTP exchange and the router.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatResult, Router, StreamSink } from '../router/execute.js';
import type { CanonicalRequest } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import { validateChatRequest } from '../schema/validate.js';
import { randomId } from '../providers/shared/ids.js';
import { RequestAbort } from './abort.js';
import type { Principal } from './auth.js';
import { parseJsonBody, readBody, sendError, sendJson, toGatewayError } from './http.js';

/** What the chat handler reports after each request (generation log, usage accounting, metrics). */
export interface ChatRecord {
  generationId: string;
  principal: Principal;
  request: CanonicalRequest | undefined;
  result: ChatResult | undefined;
  error: GatewayError | undefined;
  streamed: boolean;
  startedAt: number;
  endedAt: number;
}

export interface ChatHooks {
  /** Runs after auth and validation, before routing: budgets, rate limits, model allow-lists. Throw a GatewayError to refuse. */
  before?(principal: Principal, req: CanonicalRequest): Promise<void> | void;
  /** Runs once the response is complete (or failed, or cancelled). Must not throw or block. */
  after?(record: ChatRecord): void;
}

export interface ChatHandlerOptions {
  router: Router;
  bodyLimit: number;
  keepaliveMs: number;
  hooks: ChatHooks;
}

export function newGenerationId(): string {
  return `gen-${Math.floor(Date.now() / 1000)}-${randomId(20)}`;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

export async function handleChat(req: IncomingMessage, res: ServerResponse, principal: Principal, opts: ChatHandlerOptions): Promise<void> {
  const generationId = newGenerationId();
  const startedAt = Date.now();
  const record: ChatRecord = { generationId, principal, request: undefined, result: undefined, error: undefined, streamed: false, startedAt, endedAt: 0 };
  const abort = new RequestAbort();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClose);
  try {
    const canon = validateChatRequest(parseJsonBody(await readBody(req, opts.bodyLimit)));
    record.request = canon;
    record.streamed = canon.stream;
    await opts.hooks.before?.(principal, canon);
    if (!canon.stream) {
      const result = await opts.router.chat(canon, { generationId, signal: abort.signal });
      record.result = result;
      if (result.response !== undefined) sendJson(res, 200, result.response, { 'x-generation-id': generationId });
      else if (!res.writableEnded) res.destroy();
      return;
    }
    const sink = new ResponseSink(res, generationId, opts.keepaliveMs);
    try {
      const result = await opts.router.chat(canon, { generationId, signal: abort.signal, sink });
      record.result = result;
      if (result.stream?.error !== undefined) record.error = result.stream.error;
    } finally {
      sink.stopComments();
    }
    if (!res.writableEnded) res.end();
  } catch (e) {
    const err = toGatewayError(e);
    record.error = err;
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
    } else if (!abort.signal.aborted) {
      sendError(res, err, { 'x-generation-id': generationId });
    }
  } finally {
    res.off('close', onClose);
    record.endedAt = Date.now();
    if (abort.signal.aborted && record.result !== undefined) record.result.cancelled = true;
    opts.hooks.after?.(record);
  }
}

/**
 * SSE writer: sends headers on the first frame or keep-alive comment, writes a keep-alive comment
 * every `keepaliveMs` (0 = never) while no data has been sent, and stops them once data flows.
 */
class ResponseSink implements StreamSink {
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
