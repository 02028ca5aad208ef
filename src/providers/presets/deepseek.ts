/**
 * DeepSeek quirks. Reasoning is switched with `thinking:{type}` (no reasoning_effort), and in
 * thinking mode an assistant turn with tool calls must carry its `reasoning_content` back, or the
 * API answers 400 "Missing `reasoning_content` field". Clients send it the OpenRouter way
 * (`reasoning` or `reasoning_details`), so it is mapped here. An endpoint of an old model that
 * rejects reasoning_content in input sets `echo_reasoning: false`.
 * (reasoning_content in answers, prompt_cache_hit_tokens and insufficient_system_resource are
 * read by the OpenAI parser already.)
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { AssistantMessage, ReasoningDetail } from '../../schema/types.js';
import type { AdapterContext } from '../types.js';

export function patchDeepSeek(body: Record<string, unknown>, req: CanonicalRequest, ctx: AdapterContext): void {
  delete body.reasoning_effort;
  if (req.reasoning !== undefined) body.thinking = { type: req.reasoning.enabled ? 'enabled' : 'disabled' };
  if (ctx.endpoint.echo_reasoning === false) return;
  // a copy: the builder may hand back the request's own array, which is never mutated
  const out = [...(body.messages as Record<string, unknown>[])];
  body.messages = out;
  req.messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const text = historyReasoning(m);
    if (text !== undefined) out[i] = { ...out[i], reasoning_content: text };
  });
}

/** The reasoning text an assistant history message carries, in any of the accepted fields. */
export function historyReasoning(m: AssistantMessage): string | undefined {
  if (typeof m.reasoning_content === 'string' && m.reasoning_content !== '') return m.reasoning_content;
  if (typeof m.reasoning === 'string' && m.reasoning !== '') return m.reasoning;
  const text = (m.reasoning_details ?? []).filter((d): d is Extract<ReasoningDetail, { type: 'reasoning.text' }> => d.type === 'reasoning.text').map((d) => d.text ?? '').join('');
  return text === '' ? undefined : text;
}
