/**
 * POST /api/v1/chat/completions: parse once, validate, route, and write JSON or SSE.
 * The only place that touches both the client's HTTP exchange and the router.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatResult, Router } from '../router/execute.js';
import type { CanonicalRequest } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import { validateChatRequest } from '../schema/validate.js';
import { ascendingId } from '../providers/shared/ids.js';
import { RequestAbort } from './abort.js';
import { responseJson } from './render.js';
import type { Principal } from './auth.js';
import { parseJsonBodyWithRaw, readBody, sendError, sendJson, toGatewayError } from './http.js';
import { ResponseSink } from './sse-sink.js';

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

/** `gen-<unix seconds>-<20 characters>`, OpenRouter's shape; the ids of one process ascend (see ascendingId). */
export function newGenerationId(): string {
  return `gen-${Math.floor(Date.now() / 1000)}-${ascendingId(20)}`;
}

export async function handleChat(req: IncomingMessage, res: ServerResponse, principal: Principal, opts: ChatHandlerOptions): Promise<void> {
  const generationId = newGenerationId();
  const startedAt = Date.now();
  const record: ChatRecord = { generationId, principal, request: undefined, result: undefined, error: undefined, streamed: false, startedAt, endedAt: 0 };
  const abort = new RequestAbort();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClose);
  let sink: ResponseSink | undefined;
  try {
    const parsed = parseJsonBodyWithRaw(await readBody(req, opts.bodyLimit));
    const canon = validateChatRequest(parsed.value, parsed.raw);
    record.request = canon;
    record.streamed = canon.stream;
    const admitted = opts.hooks.before?.(principal, canon);
    if (admitted !== undefined) await admitted;
    if (!canon.stream) {
      const result = await opts.router.chat(canon, { generationId, signal: abort.signal });
      record.result = result;
      if (result.response !== undefined) sendJson(res, 200, responseJson(result.response), { 'x-generation-id': generationId });
      else if (!res.writableEnded) res.destroy();
      return;
    }
    sink = new ResponseSink(res, generationId, opts.keepaliveMs);
    try {
      const result = await opts.router.chat(canon, { generationId, signal: abort.signal, sink });
      record.result = result;
      if (result.stream?.error !== undefined) record.error = result.stream.error;
    } finally {
      sink.stopComments();
    }
    sink.end();
  } catch (e) {
    const err = toGatewayError(e);
    record.error = err;
    if (res.headersSent) {
      if (sink !== undefined) sink.end();
      else if (!res.writableEnded) res.end();
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
