/**
 * OpenRouter `reasoning` → Gemini `generationConfig.thinkingConfig`.
 * - a token budget (`reasoning.max_tokens`) → thinkingBudget;
 * - an effort → thinkingLevel on Gemini 3 models, a budget from the table below on 2.5;
 * - enabled without either → thinkingBudget -1 (dynamic);
 * - effort none / enabled:false → thinkingBudget 0 (thinking off where the model allows it);
 * - includeThoughts unless `exclude`, so thought summaries and their signatures come back.
 */
import type { NormalizedReasoning } from '../../schema/canonical.js';
import type { GeminiThinkingConfig } from './types.js';

type Effort = NonNullable<NormalizedReasoning['effort']>;

const EFFORT_BUDGET: Record<Exclude<Effort, 'none'>, number> = {
  minimal: 512,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32768,
};

const EFFORT_LEVEL: Record<Exclude<Effort, 'none'>, NonNullable<GeminiThinkingConfig['thinkingLevel']>> = {
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
  max: 'HIGH',
};

/** Gemini 3 and later take thinkingLevel; earlier models take a budget. */
export const usesThinkingLevel = (model: string) => /(^|\/)gemini-([3-9]|\d{2,})/.test(model);

export function thinkingConfig(r: NormalizedReasoning | undefined, model: string): GeminiThinkingConfig | undefined {
  if (r === undefined) return undefined;
  if (!r.enabled) return { thinkingBudget: 0 };
  const out: GeminiThinkingConfig = {};
  if (r.maxTokens !== undefined) out.thinkingBudget = r.maxTokens;
  else if (r.effort !== undefined && r.effort !== 'none') {
    if (usesThinkingLevel(model)) out.thinkingLevel = EFFORT_LEVEL[r.effort];
    else out.thinkingBudget = EFFORT_BUDGET[r.effort];
  } else out.thinkingBudget = -1;
  if (!r.exclude) out.includeThoughts = true;
  return out;
}
