/**
 * Gemini `streamGenerateContent?alt=sse` → canonical events. Every `data:` line is a whole
 * GenerateContentResponse holding only the new parts; functionCall parts arrive whole (one
 * tool-call start + arguments each); usageMetadata is cumulative (the last one wins); the final
 * chunk carries finishReason; there is no [DONE]. A chunk with `error` is an error event.
 */
import { GatewayError } from '../../schema/errors.js';
import { SseDecoder } from '../shared/sse.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { googleError } from './errors.js';
import { finishError, mapFinishReason } from './finish-reason.js';
import { PartReader } from './parts.js';
import type { GeminiResponse } from './types.js';
import { mapUsage } from './usage.js';

export function createGeminiStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
  const reader = new PartReader(ctx.generationId, emit);
  let sentMeta = false;
  let finished = false;

  const onChunk = (data: string) => {
    let chunk: GeminiResponse;
    try {
      chunk = JSON.parse(data);
    } catch {
      return emit({ type: 'error', error: garbage(ctx, data) });
    }
    if (chunk === null || typeof chunk !== 'object') return finished ? undefined : emit({ type: 'error', error: garbage(ctx, data) });
    // after the finish reason the answer is complete: only a later usage update still counts
    if (chunk.error !== undefined) return finished ? undefined : emit({ type: 'error', error: googleError(chunk.error, data, {}, ctx) });
    if (!sentMeta && typeof chunk.responseId === 'string') {
      sentMeta = true;
      emit({ type: 'meta', upstreamId: chunk.responseId });
    }
    const cand = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
    if (!finished && cand !== undefined) reader.read(cand.content?.parts);
    const usage = mapUsage(chunk.usageMetadata);
    if (usage !== undefined) emit({ type: 'usage', usage });
    if (finished) return;
    const native = cand?.finishReason ?? (cand === undefined ? chunk.promptFeedback?.blockReason : undefined);
    if (native == null) return;
    finished = true;
    const failed = cand === undefined ? undefined : finishError(native, cand.finishMessage, ctx.provider.name);
    if (failed !== undefined) return emit({ type: 'error', error: failed });
    emit({ type: 'finish', reason: cand === undefined ? 'content_filter' : mapFinishReason(native, reader.sawToolCalls), native });
  };

  const decoder = new SseDecoder(({ data }) => {
    if (data !== '[DONE]') onChunk(data);
  });
  return { push: (bytes) => decoder.push(bytes), end: () => decoder.end() };
}

function garbage(ctx: AdapterContext, data: string): GatewayError {
  return new GatewayError(502, `[${ctx.provider.name}] upstream sent an invalid stream chunk`, {
    metadata: { provider_name: ctx.provider.name, raw: data.slice(0, 2000), error_type: 'provider_unavailable' },
  });
}
