import type { CanonicalResponse } from '../../schema/canonical.js';
import { GatewayError } from '../../schema/errors.js';
import type { ToolCall } from '../../schema/types.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import type { AdapterContext } from '../types.js';
import { mapFinishReason } from './finish-reason.js';
import { mapUsage, type OllamaCounts } from './usage.js';

export interface OllamaNativeCall {
  id?: string;
  function?: { name?: string; arguments?: Record<string, unknown> | string | null };
}

/** One object of `/api/chat` (the whole answer, or one NDJSON line of a stream). */
export interface OllamaChunk extends OllamaCounts {
  model?: string;
  message?: { role?: string; content?: string; thinking?: string; tool_calls?: OllamaNativeCall[] | null };
  done?: boolean;
  done_reason?: string;
  error?: unknown;
}

/** An Ollama call (arguments as an object, usually no id) → canonical, with a synthesized id. */
export function toToolCall(c: OllamaNativeCall, n: number, ctx: AdapterContext): ToolCall {
  const args = c.function?.arguments;
  return {
    id: typeof c.id === 'string' && c.id !== '' ? c.id : synthesizeToolCallId(ctx.generationId, n),
    type: 'function',
    function: { name: c.function?.name ?? '', arguments: args == null ? '{}' : typeof args === 'string' ? args : JSON.stringify(args) },
  };
}

export function parseOllamaResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
  const b = body as OllamaChunk | null;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw invalid(ctx, 'response is not a JSON object');
  if (b.error !== undefined) throw streamError(ctx, b.error, JSON.stringify(b));
  if (b.message === undefined || typeof b.message !== 'object') throw invalid(ctx, 'response has no message');
  const msg = b.message;
  const toolCalls = (msg.tool_calls ?? []).map((c, i) => toToolCall(c, i, ctx));
  const res: CanonicalResponse = {
    content: msg.content === undefined || (msg.content === '' && toolCalls.length > 0) ? null : msg.content,
    toolCalls,
    finishReason: mapFinishReason(b.done_reason, toolCalls.length > 0),
    nativeFinishReason: b.done_reason ?? null,
    usage: mapUsage(b),
  };
  if (msg.thinking) {
    res.reasoning = msg.thinking;
    res.reasoningDetails = [{ type: 'reasoning.text', text: msg.thinking, format: 'unknown', index: 0 }];
  }
  return res;
}

/** `{"error":"…"}` inside a 200 answer (Ollama reports mid-stream failures this way). */
export function streamError(ctx: AdapterContext, e: unknown, raw: string): GatewayError {
  const message = typeof e === 'string' ? e : typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : 'upstream error';
  return new GatewayError(502, `[${ctx.provider.name}] ${message}`, { metadata: { provider_name: ctx.provider.name, raw: raw.slice(0, 2000), error_type: 'provider_unavailable' } });
}

export function invalid(ctx: AdapterContext, what: string, raw?: string): GatewayError {
  const metadata: Record<string, unknown> = { provider_name: ctx.provider.name, error_type: 'provider_unavailable' };
  if (raw !== undefined) metadata.raw = raw.slice(0, 2000);
  return new GatewayError(502, `[${ctx.provider.name}] invalid upstream response: ${what}`, { metadata });
}
