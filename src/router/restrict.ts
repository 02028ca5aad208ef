/**
 * Drops the request parameters an endpoint does not support (OpenRouter's default behaviour),
 * and reports which ones were used but unsupported (for provider.require_parameters).
 */
import type { CanonicalRequest } from '../schema/canonical.js';

/** Request fields that are "parameters" in the supported_parameters sense. */
export const PARAMETER_FIELDS = [
  'temperature', 'top_p', 'top_k', 'min_p', 'top_a', 'frequency_penalty', 'presence_penalty', 'repetition_penalty',
  'max_tokens', 'max_completion_tokens', 'logit_bias', 'logprobs', 'top_logprobs', 'prediction', 'seed',
  'response_format', 'stop', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'reasoning_effort',
  'include_reasoning', 'web_search_options', 'verbosity',
] as const;

const PARAMETER_INDEX = new Map<string, number>(PARAMETER_FIELDS.map((k, i) => [k, i]));
const byListOrder = (a: string, b: string) => PARAMETER_INDEX.get(a)! - PARAMETER_INDEX.get(b)!;

/**
 * The parameters a request uses that an endpoint lacks, in PARAMETER_FIELDS order. Walks the
 * body's own keys (a handful), not the 25 parameter names: a lookup per name with a key that
 * changes every time is a slow keyed load, ~0.4 µs a request for the list.
 */
export function unsupportedParameters(req: CanonicalRequest, supported: readonly string[]): string[] {
  const body = req.body as Record<string, unknown>;
  const out: string[] = [];
  for (const k in body) {
    if (!PARAMETER_INDEX.has(k) || body[k] == null) continue;
    if (k === 'tools' && req.tools === undefined) continue; // an empty list is no tools
    if (supported.includes(k)) continue;
    if (k === 'max_completion_tokens' && supported.includes('max_tokens')) continue;
    if (k === 'max_tokens' && supported.includes('max_completion_tokens')) continue;
    if (k === 'response_format' && supported.includes('structured_outputs')) continue;
    if ((k === 'reasoning_effort' || k === 'include_reasoning') && supported.includes('reasoning')) continue;
    out.push(k);
  }
  if (out.length > 1) out.sort(byListOrder);
  return out;
}

/** A copy of the request without the given parameters; the same object when there are none. */
export function withoutParameters(req: CanonicalRequest, drop: readonly string[]): CanonicalRequest {
  if (drop.length === 0) return req;
  const body = { ...req.body } as Record<string, unknown>;
  for (const k of drop) delete body[k];
  const out: CanonicalRequest = { ...req, body: body as CanonicalRequest['body'] };
  if (drop.includes('tools')) {
    out.tools = undefined;
    out.toolChoice = undefined;
  }
  if (drop.includes('tool_choice')) out.toolChoice = undefined;
  if (drop.includes('parallel_tool_calls')) out.parallelToolCalls = undefined;
  if (drop.includes('reasoning') || drop.includes('reasoning_effort') || drop.includes('include_reasoning')) {
    if (!['reasoning', 'reasoning_effort', 'include_reasoning'].some((k) => body[k] != null)) out.reasoning = undefined;
  }
  if (drop.includes('stop')) out.stop = undefined;
  if ((drop.includes('max_tokens') || drop.includes('max_completion_tokens')) && body.max_tokens == null && body.max_completion_tokens == null)
    out.maxTokens = undefined;
  return out;
}
