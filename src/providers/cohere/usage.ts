import type { CanonicalUsage } from '../../schema/canonical.js';

interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number };
  tokens?: { input_tokens?: number; output_tokens?: number };
  cached_tokens?: number;
}

/** Cohere usage → canonical: `tokens` (what the model processed) over `billed_units` (what is billed). */
export function mapCohereUsage(u: CohereUsage | null | undefined): CanonicalUsage | undefined {
  if (u == null || typeof u !== 'object') return undefined;
  const usage: CanonicalUsage = {
    promptTokens: u.tokens?.input_tokens ?? u.billed_units?.input_tokens ?? 0,
    completionTokens: u.tokens?.output_tokens ?? u.billed_units?.output_tokens ?? 0,
  };
  if (u.cached_tokens) usage.cachedTokens = u.cached_tokens;
  return usage;
}
