/**
 * OpenRouter `reasoning` → the model family's native switch in additionalModelRequestFields:
 * Claude `thinking {type:'enabled', budget_tokens}` with Anthropic's own rules (the budget and
 * maxTokens plan of ../anthropic/thinking.ts; thinking left off when the history's last tool turn
 * lost its signed thinking), Nova `reasoningConfig {type:'enabled', maxReasoningEffort}`, gpt-oss
 * `reasoning_effort`. Other families have no reasoning switch; the request goes without one.
 * Claude always gets a maxTokens (the endpoint's `default_max_tokens`, else 4096).
 */
import type { NormalizedReasoning } from '../../schema/canonical.js';
import type { Message } from '../../schema/types.js';
import { defaultMaxTokens, planTokens, thinkingConflict, wantsThinking } from '../anthropic/thinking.js';
import type { EndpointConfig } from '../types.js';
import type { ModelFamily } from './config.js';
import type { JsonObject } from './types.js';

export interface ReasoningPlan {
  fields: JsonObject;
  /** inferenceConfig.maxTokens to send (undefined: none, Bedrock's default). */
  maxTokens: number | undefined;
  thinking: boolean;
}

export function planReasoning(r: NormalizedReasoning | undefined, family: ModelFamily, clientMax: number | undefined, endpoint: EndpointConfig, messages: readonly Message[]): ReasoningPlan {
  // Claude on Bedrock gets a low output limit unless told: send Anthropic's default, as the anthropic adapter does
  const none: ReasoningPlan = { fields: {}, maxTokens: family === 'anthropic' ? clientMax ?? defaultMaxTokens(endpoint) : clientMax, thinking: false };
  if (r === undefined || !wantsThinking(r)) return none;
  switch (family) {
    case 'anthropic': {
      if (thinkingConflict(messages) !== undefined) return none;
      const plan = planTokens(r, clientMax, endpoint, true);
      return { fields: { thinking: plan.thinking }, maxTokens: plan.maxTokens, thinking: true };
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
