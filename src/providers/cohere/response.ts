/** Cohere v2 chat response → canonical. Thinking content and `tool_plan` become reasoning. */
import type { CanonicalResponse } from '../../schema/canonical.js';
import { GatewayError } from '../../schema/errors.js';
import type { ToolCall } from '../../schema/types.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import type { AdapterContext } from '../types.js';
import { mapCohereFinish } from './finish-reason.js';
import { mapCohereUsage } from './usage.js';

interface CohereResponse {
  id?: string;
  finish_reason?: string;
  message?: {
    content?: { type?: string; text?: string; thinking?: string }[];
    tool_plan?: string;
    tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[];
  };
  usage?: Parameters<typeof mapCohereUsage>[0];
}

export function parseCohereResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
  const b = body as CohereResponse | null;
  if (b === null || typeof b !== 'object' || b.message == null) {
    throw new GatewayError(502, `[${ctx.provider.name}] invalid upstream response: no message`, {
      metadata: { provider_name: ctx.provider.name, error_type: 'provider_unavailable', raw: JSON.stringify(body).slice(0, 2000) },
    });
  }
  const m = b.message;
  let text = '';
  const thoughts: string[] = [];
  for (const c of m.content ?? []) {
    if (c?.type === 'text' && typeof c.text === 'string') text += c.text;
    else if (c?.type === 'thinking' && typeof c.thinking === 'string' && c.thinking !== '') thoughts.push(c.thinking);
  }
  if (typeof m.tool_plan === 'string' && m.tool_plan !== '') thoughts.push(m.tool_plan);
  const toolCalls: ToolCall[] = (m.tool_calls ?? []).map((tc, i) => ({
    id: tc.id || synthesizeToolCallId(ctx.generationId, i),
    type: 'function',
    function: { name: tc.function?.name ?? '', arguments: tc.function?.arguments || '{}' },
  }));
  const reasoning = thoughts.join('\n');
  const native = b.finish_reason ?? null;
  const res: CanonicalResponse = {
    content: text === '' && toolCalls.length > 0 ? null : text,
    toolCalls,
    finishReason: mapCohereFinish(native),
    nativeFinishReason: native,
    reasoning: reasoning === '' ? null : reasoning,
    usage: mapCohereUsage(b.usage),
  };
  if (typeof b.id === 'string') res.upstreamId = b.id;
  if (reasoning !== '') res.reasoningDetails = [{ type: 'reasoning.text', text: reasoning, format: 'unknown', index: 0 }];
  return res;
}
