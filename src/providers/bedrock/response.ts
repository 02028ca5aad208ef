/** Converse JSON response → canonical response. */
import type { CanonicalResponse } from '../../schema/canonical.js';
import { GatewayError } from '../../schema/errors.js';
import type { ReasoningDetail, ToolCall } from '../../schema/types.js';
import { redactedDetail, thinkingDetail } from '../anthropic/reasoning-details.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import type { AdapterContext } from '../types.js';
import { mapStopReason } from './finish-reason.js';
import type { ConverseResponse } from './types.js';
import { mapBedrockUsage } from './usage.js';

export function parseBedrockResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
  const b = body as ConverseResponse | null;
  const blocks = b?.output?.message?.content;
  if (b === null || typeof b !== 'object' || !Array.isArray(blocks)) {
    throw new GatewayError(502, `[${ctx.provider.name}] invalid upstream response: no output.message.content`, {
      metadata: { provider_name: ctx.provider.name, error_type: 'provider_unavailable', raw: JSON.stringify(body).slice(0, 2000) },
    });
  }
  let text = '';
  let reasoning = '';
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  blocks.forEach((block, index) => {
    if (typeof block.text === 'string') text += block.text;
    else if (block.toolUse !== undefined) {
      const input = block.toolUse.input;
      toolCalls.push({
        id: block.toolUse.toolUseId || synthesizeToolCallId(ctx.generationId, index),
        type: 'function',
        function: { name: block.toolUse.name ?? '', arguments: input == null ? '{}' : typeof input === 'string' ? input : JSON.stringify(input) },
      });
    } else if (block.reasoningContent?.reasoningText !== undefined) {
      const r = block.reasoningContent.reasoningText;
      reasoning += r.text ?? '';
      details.push(thinkingDetail(r.text ?? '', r.signature, index));
    } else if (typeof block.reasoningContent?.redactedContent === 'string') {
      details.push(redactedDetail(block.reasoningContent.redactedContent, index));
    }
  });
  const native = b.stopReason ?? null;
  const res: CanonicalResponse = {
    content: text === '' && toolCalls.length > 0 ? null : text,
    toolCalls,
    finishReason: mapStopReason(native),
    nativeFinishReason: native,
    reasoning: reasoning === '' ? null : reasoning,
    usage: mapBedrockUsage(b.usage),
  };
  if (details.length > 0) res.reasoningDetails = details;
  return res;
}
