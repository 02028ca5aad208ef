/**
 * OpenRouter `reasoning` → Anthropic extended thinking (`thinking: {type:"enabled", budget_tokens}`)
 * and the `max_tokens` to send, within Anthropic's rules (SDK: "budget_tokens must be ≥1024 and
 * less than max_tokens"):
 *
 * - budget: `reasoning.max_tokens`, else `effort` × max_tokens (OpenRouter's published ratios),
 *   capped at 32000, never below 1024.
 * - max_tokens: the client's (or the endpoint's default) when it is above the budget; otherwise
 *   the budget plus that amount, so the visible answer is not starved (the AI SDK does the same).
 * - an endpoint `max_completion_tokens` caps the client's max_tokens and the total; a cap too
 *   small for thinking is a 400.
 */
import type { NormalizedReasoning } from '../../schema/canonical.js';
import { badRequest } from '../../schema/errors.js';
import type { Message } from '../../schema/types.js';
import type { EndpointConfig } from '../types.js';
import { thinkingBlocks } from './reasoning-details.js';
import type { ThinkingConfig } from './types.js';

export const MIN_BUDGET = 1024;
const MAX_EFFORT_BUDGET = 32000;
/** max_tokens when neither the client nor the endpoint config gives one. */
export const DEFAULT_MAX_TOKENS = 4096;

const EFFORT_RATIO: Record<string, number> = { max: 0.95, xhigh: 0.95, high: 0.8, medium: 0.5, low: 0.2, minimal: 0.1 };

export interface TokenPlan {
  maxTokens: number;
  thinking?: ThinkingConfig;
}

/** The endpoint's default output limit: `default_max_tokens`, else 4096, within `max_completion_tokens`. */
export function defaultMaxTokens(endpoint: EndpointConfig): number {
  const def = positiveInt(endpoint.default_max_tokens) ?? DEFAULT_MAX_TOKENS;
  const cap = positiveInt(endpoint.max_completion_tokens);
  return cap !== undefined && cap < def ? cap : def;
}

/** Whether the request asks for thinking at all. */
export function wantsThinking(r: NormalizedReasoning | undefined): boolean {
  return r !== undefined && r.enabled;
}

export function planTokens(reasoning: NormalizedReasoning | undefined, clientMax: number | undefined, endpoint: EndpointConfig, think: boolean): TokenPlan {
  const cap = positiveInt(endpoint.max_completion_tokens);
  // a client limit above the model's output limit is a provider 400: cap it instead
  const base = clientMax === undefined ? defaultMaxTokens(endpoint) : cap !== undefined && clientMax > cap ? cap : clientMax;
  if (!think || reasoning === undefined) return { maxTokens: base };
  let budget = reasoning.maxTokens ?? Math.min(MAX_EFFORT_BUDGET, Math.floor(base * (EFFORT_RATIO[reasoning.effort ?? 'medium'] ?? 0.5)));
  if (budget < MIN_BUDGET) budget = MIN_BUDGET;
  let maxTokens = base > budget ? base : base + budget;
  if (cap !== undefined && maxTokens > cap) {
    maxTokens = cap;
    if (budget >= cap) budget = cap - Math.min(base, Math.floor(cap / 2));
    if (budget < MIN_BUDGET)
      throw badRequest(`reasoning: this endpoint allows at most ${cap} output tokens, too few for Anthropic's minimum thinking budget of ${MIN_BUDGET} tokens plus an answer; turn reasoning off or use another model`);
  }
  return { maxTokens, thinking: { type: 'enabled', budget_tokens: budget } };
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * Why this history cannot be sent with thinking on, or undefined. Anthropic needs the last
 * assistant turn with tool_use to start with its signed thinking blocks, and refuses a prefill
 * (a final assistant message) with thinking. When the client dropped the signatures (a plain
 * OpenAI client does), thinking is left off for the request, as Anthropic itself does for a
 * mid-loop toggle, rather than failing.
 */
export function thinkingConflict(messages: readonly Message[]): 'prefill' | 'unsigned_tool_turn' | undefined {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant' && !(last.tool_calls && last.tool_calls.length > 0)) return 'prefill';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'assistant') continue;
    if (!(m.tool_calls && m.tool_calls.length > 0)) return undefined;
    return thinkingBlocks(m.reasoning_details).length > 0 ? undefined : 'unsigned_tool_turn';
  }
  return undefined;
}
