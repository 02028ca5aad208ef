/**
 * OpenRouter `reasoning` → Gemini `generationConfig.thinkingConfig`.
 * - a token budget (`reasoning.max_tokens`) → thinkingBudget, clamped to the model family's range;
 * - an effort → thinkingLevel on Gemini 3 models, a budget from the table below on 2.5;
 * - enabled without either → thinkingBudget -1 (dynamic);
 * - effort none / enabled:false → thinking off where the model allows it, else its least;
 * - includeThoughts unless `exclude`, so thought summaries and their signatures come back;
 * - `include_reasoning: false` alone (only "do not show it") leaves the model's default.
 */
import type { NormalizedReasoning } from '../../schema/canonical.js';
import type { GeminiThinkingConfig } from './types.js';

type Effort = Exclude<NonNullable<NormalizedReasoning['effort']>, 'none'>;

const EFFORT_BUDGET: Record<Effort, number> = { minimal: 512, low: 2048, medium: 8192, high: 16384, xhigh: 24576, max: 32768 };

const EFFORT_LEVEL: Record<Effort, NonNullable<GeminiThinkingConfig['thinkingLevel']>> = {
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: 'HIGH',
  max: 'HIGH',
};

/** thinkingBudget range per 2.5 family (Google's documented limits); `min` 0 means it can be turned off. */
const BUDGET_RANGE: readonly { model: RegExp; min: number; max: number }[] = [
  { model: /gemini-2\.5-pro/, min: 128, max: 32768 },
  { model: /gemini-2\.5-flash-lite/, min: 0, max: 24576 },
  { model: /gemini-2\.5-flash/, min: 0, max: 24576 },
];

/** Gemini 3 and later take thinkingLevel; earlier models take a budget. */
export const usesThinkingLevel = (model: string) => /(^|\/)gemini-([3-9]|\d{2,})/.test(model);

export function thinkingConfig(r: NormalizedReasoning | undefined, model: string): GeminiThinkingConfig | undefined {
  if (r === undefined) return undefined;
  if (!r.enabled) {
    if (r.exclude && r.effort === undefined) return undefined;
    return thinkingOff(model);
  }
  const out: GeminiThinkingConfig = {};
  if (r.maxTokens !== undefined) out.thinkingBudget = clampBudget(r.maxTokens, model);
  else if (r.effort !== undefined && r.effort !== 'none') {
    if (usesThinkingLevel(model)) out.thinkingLevel = EFFORT_LEVEL[r.effort];
    else out.thinkingBudget = clampBudget(EFFORT_BUDGET[r.effort], model);
  } else out.thinkingBudget = -1;
  if (!r.exclude) out.includeThoughts = true;
  return out;
}

/** Gemini 3 cannot stop thinking (LOW is the least every model takes); 2.5 Pro's least is 128. */
function thinkingOff(model: string): GeminiThinkingConfig {
  if (usesThinkingLevel(model)) return { thinkingLevel: 'LOW' };
  return { thinkingBudget: BUDGET_RANGE.find((b) => b.model.test(model))?.min ?? 0 };
}

function clampBudget(budget: number, model: string): number {
  const range = BUDGET_RANGE.find((b) => b.model.test(model));
  if (range === undefined) return budget;
  return Math.min(range.max, Math.max(range.min === 0 ? 1 : range.min, budget));
}
