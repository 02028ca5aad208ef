import type { CanonicalResponse } from '../../schema/canonical.js';
import { GatewayError } from '../../schema/errors.js';
import type { ReasoningDetail, ToolCall } from '../../schema/types.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import type { AdapterContext } from '../types.js';
import { mapFinishReason } from './finish-reason.js';
import { mapUsage } from './usage.js';

interface OpenAIToolCall {
  id?: string | null;
  type?: string;
  function?: { name?: string; arguments?: string | Record<string, unknown> | null };
}

interface OpenAIChoice {
  finish_reason?: string | null;
  message?: {
    content?: string | null;
    refusal?: string | null;
    reasoning?: string | null;
    reasoning_content?: string | null;
    reasoning_details?: ReasoningDetail[] | null;
    tool_calls?: OpenAIToolCall[] | null;
  };
}

export interface OpenAIParseOptions {
  /** Keep the upstream's own `reasoning_details` (an OpenRouter upstream) instead of deriving one from the text. */
  upstreamReasoningDetails?: boolean;
}

export function parseOpenAIResponse(body: unknown, ctx: AdapterContext, opts: OpenAIParseOptions = {}): CanonicalResponse {
  const b = body as { id?: string; choices?: OpenAIChoice[]; usage?: unknown; error?: { message?: string } } | null;
  if (b === null || typeof b !== 'object') throw invalid(ctx, 'response is not a JSON object');
  if (b.error !== undefined) {
    throw new GatewayError(502, `[${ctx.provider.name}] ${b.error?.message ?? 'upstream error'}`, {
      metadata: { provider_name: ctx.provider.name, raw: JSON.stringify(b) },
    });
  }
  const choice = Array.isArray(b.choices) ? b.choices[0] : undefined;
  if (choice === undefined) throw invalid(ctx, 'response has no choices');
  const msg = choice.message ?? {};
  const toolCalls: ToolCall[] = [];
  if (Array.isArray(msg.tool_calls)) {
    for (let i = 0; i < msg.tool_calls.length; i++) {
      const tc = msg.tool_calls[i]!;
      const args = tc.function?.arguments;
      toolCalls.push({
        id: tc.id || synthesizeToolCallId(ctx.generationId, i),
        type: 'function',
        function: {
          name: tc.function?.name ?? '',
          arguments: typeof args === 'string' ? (args === '' ? '{}' : args) : args == null ? '{}' : JSON.stringify(args),
        },
      });
    }
  }
  const native = choice.finish_reason ?? null;
  let finishReason = mapFinishReason(native);
  if (toolCalls.length > 0 && finishReason === 'stop') finishReason = 'tool_calls';
  const reasoning = msg.reasoning ?? msg.reasoning_content ?? null;
  const res: CanonicalResponse = {
    content: msg.content ?? null,
    toolCalls,
    finishReason,
    nativeFinishReason: native,
    refusal: msg.refusal ?? null,
    reasoning,
    usage: mapUsage(b.usage as never),
  };
  if (typeof b.id === 'string') res.upstreamId = b.id;
  const upstreamDetails = opts.upstreamReasoningDetails ? msg.reasoning_details : undefined;
  if (Array.isArray(upstreamDetails) && upstreamDetails.length > 0) res.reasoningDetails = upstreamDetails;
  else if (reasoning) res.reasoningDetails = [{ type: 'reasoning.text', text: reasoning, format: 'unknown', index: 0 }];
  return res;
}

function invalid(ctx: AdapterContext, what: string): GatewayError {
  return new GatewayError(502, `[${ctx.provider.name}] invalid upstream response: ${what}`, {
    metadata: { provider_name: ctx.provider.name, error_type: 'provider_unavailable' },
  });
}
