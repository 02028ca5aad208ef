/**
 * OpenRouter `reasoning` → the model family's native switch in additionalModelRequestFields:
 * Anthropic `thinking {type:'enabled', budget_tokens}` (maxTokens raised above the budget),
 * Nova `reasoningConfig {type:'enabled', maxReasoningEffort}`, gpt-oss `reasoning_effort`.
 * Other families have no reasoning switch; the request goes without one.
 */
import type { NormalizedReasoning } from '../../schema/canonical.js';
import type { ModelFamily } from './config.js';
import type { JsonObject } from './types.js';

const MIN_BUDGET = 1024;
const MAX_EFFORT_BUDGET = 32000;
const DEFAULT_MAX_TOKENS = 4096;
const EFFORT_RATIO: Record<string, number> = { max: 0.95, xhigh: 0.95, high: 0.8, medium: 0.5, low: 0.2, minimal: 0.1 };

export interface ReasoningPlan {
  fields: JsonObject;
  /** inferenceConfig.maxTokens to send (undefined: the client's, if any). */
  maxTokens: number | undefined;
  thinking: boolean;
}

export function planReasoning(r: NormalizedReasoning | undefined, family: ModelFamily, clientMax: number | undefined): ReasoningPlan {
  const none: ReasoningPlan = { fields: {}, maxTokens: clientMax, thinking: false };
  if (r === undefined || !r.enabled) return none;
  switch (family) {
    case 'anthropic': {
      const base = clientMax ?? DEFAULT_MAX_TOKENS;
      const budget = Math.max(MIN_BUDGET, r.maxTokens ?? Math.min(MAX_EFFORT_BUDGET, Math.floor(base * (EFFORT_RATIO[r.effort ?? 'medium'] ?? 0.5))));
      return { fields: { thinking: { type: 'enabled', budget_tokens: budget } }, maxTokens: base > budget ? base : base + budget, thinking: true };
    }
    case 'nova':
      return { fields: { reasoningConfig: { type: 'enabled', maxReasoningEffort: effortLevel(r) } }, maxTokens: clientMax, thinking: true };
    case 'openai':
      return { fields: { reasoning_effort: effortLevel(r) }, maxTokens: clientMax, thinking: true };
    default:
      return none;
  }
}

function effortLevel(r: NormalizedReasoning): 'low' | 'medium' | 'high' {
  const e = r.effort ?? (r.maxTokens === undefined ? 'medium' : r.maxTokens >= 16000 ? 'high' : r.maxTokens >= 4000 ? 'medium' : 'low');
  return e === 'max' || e === 'xhigh' || e === 'high' ? 'high' : e === 'medium' ? 'medium' : 'low';
}
