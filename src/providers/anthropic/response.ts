/**
 * Anthropic Message → canonical response: text blocks → content, tool_use → tool_calls (id kept,
 * input serialized), thinking / redacted_thinking → reasoning + reasoning_details. Server-tool
 * and other block types are skipped.
 */
import type { CanonicalResponse } from '../../schema/canonical.js';
import { GatewayError } from '../../schema/errors.js';
import type { ReasoningDetail, ToolCall } from '../../schema/types.js';
import type { AdapterContext } from '../types.js';
import { embeddedError } from './errors.js';
import { mapStopReason } from './finish-reason.js';
import { redactedDetail, thinkingDetail } from './reasoning-details.js';
import type { MessageResponse } from './types.js';
import { mapUsage } from './usage.js';

export function parseAnthropicResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
  const b = body as Partial<MessageResponse> & { error?: unknown } | null;
  if (b === null || typeof b !== 'object') throw invalid(ctx, 'response is not a JSON object');
  if ((b as { type?: string }).type === 'error' || b.error !== undefined) throw embeddedError(JSON.stringify(b), ctx);
  if (!Array.isArray(b.content)) throw invalid(ctx, 'response has no content list');
  let text: string | null = null;
  let reasoning: string | null = null;
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  for (let i = 0; i < b.content.length; i++) {
    const block = b.content[i] as Record<string, unknown>;
    switch (block?.type) {
      case 'text':
        if (typeof block.text === 'string') text = (text ?? '') + block.text;
        break;
      case 'thinking': {
        const t = typeof block.thinking === 'string' ? block.thinking : '';
        reasoning = (reasoning ?? '') + t;
        details.push(thinkingDetail(t, typeof block.signature === 'string' ? block.signature : undefined, i));
        break;
      }
      case 'redacted_thinking':
        if (typeof block.data === 'string') details.push(redactedDetail(block.data, i));
        break;
      case 'tool_use':
        toolCalls.push({
          id: String(block.id),
          type: 'function',
          function: { name: String(block.name), arguments: block.input == null ? '{}' : JSON.stringify(block.input) },
        });
        break;
    }
  }
  const native = b.stop_reason ?? null;
  const res: CanonicalResponse = {
    content: text,
    reasoning,
    toolCalls,
    finishReason: mapStopReason(native),
    nativeFinishReason: native,
    usage: mapUsage(b.usage),
  };
  if (details.length > 0) res.reasoningDetails = details;
  if (typeof b.id === 'string') res.upstreamId = b.id;
  return res;
}

function invalid(ctx: AdapterContext, what: string): GatewayError {
  return new GatewayError(502, `[${ctx.provider.name}] invalid upstream response: ${what}`, {
    metadata: { provider_name: ctx.provider.name, error_type: 'provider_unavailable' },
  });
}
