/**
 * A non-streaming Gemini `GenerateContentResponse` → canonical response: the first candidate's
 * parts are read by the same PartReader as a stream, so both paths agree on ids and details.
 */
import type { CanonicalResponse } from '../../schema/canonical.js';
import { GatewayError } from '../../schema/errors.js';
import type { ReasoningDetail, ToolCall } from '../../schema/types.js';
import type { AdapterContext } from '../types.js';
import { googleError } from './errors.js';
import { finishError, mapFinishReason } from './finish-reason.js';
import { PartReader } from './parts.js';
import type { GeminiResponse } from './types.js';
import { mapUsage } from './usage.js';

export function parseGeminiResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid(ctx, 'response is not a JSON object');
  const b = body as GeminiResponse;
  if (b.error !== undefined) throw googleError(b.error, JSON.stringify(b), {}, ctx);
  const usage = mapUsage(b.usageMetadata);
  const cand = Array.isArray(b.candidates) ? b.candidates[0] : undefined;
  if (cand === undefined) {
    const blocked = b.promptFeedback?.blockReason;
    if (blocked === undefined) throw invalid(ctx, 'response has no candidates');
    return { content: null, toolCalls: [], finishReason: 'content_filter', nativeFinishReason: blocked, ...(usage ? { usage } : {}), ...id(b) };
  }

  let content = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  const calls: ToolCall[] = [];
  const reader = new PartReader(ctx.generationId, (e) => {
    switch (e.type) {
      case 'text': content += e.text; return;
      case 'reasoning':
        if (e.text !== undefined) reasoning += e.text;
        if (e.detail !== undefined) details.push(e.detail);
        return;
      case 'tool_call_start': calls[e.index] = { id: e.id, type: 'function', function: { name: e.name, arguments: '' } }; return;
      case 'tool_call_delta': calls[e.index]!.function.arguments += e.arguments; return;
    }
  });
  reader.read(cand.content?.parts);

  const failed = finishError(cand.finishReason, cand.finishMessage, ctx.provider.name);
  if (failed !== undefined) throw failed;
  const res: CanonicalResponse = {
    content: content === '' && calls.length > 0 ? null : content,
    toolCalls: calls,
    finishReason: mapFinishReason(cand.finishReason, calls.length > 0),
    nativeFinishReason: cand.finishReason ?? null,
    reasoning: reasoning === '' ? null : reasoning,
    ...id(b),
  };
  if (details.length > 0) res.reasoningDetails = details;
  if (usage !== undefined) res.usage = usage;
  return res;
}

const id = (b: GeminiResponse) => (typeof b.responseId === 'string' ? { upstreamId: b.responseId } : {});

function invalid(ctx: AdapterContext, what: string): GatewayError {
  return new GatewayError(502, `[${ctx.provider.name}] invalid upstream response: ${what}`, {
    metadata: { provider_name: ctx.provider.name, error_type: 'provider_unavailable' },
  });
}
