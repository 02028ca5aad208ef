/**
 * Gemini usageMetadata → canonical usage. promptTokenCount already includes the cached tokens;
 * thoughts are counted apart from candidates by Gemini, so they are added to completion tokens
 * and reported as reasoning tokens (OpenRouter's convention).
 */
import type { CanonicalUsage } from '../../schema/canonical.js';
import type { GeminiUsageMetadata } from './types.js';

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function mapUsage(u: GeminiUsageMetadata | null | undefined): CanonicalUsage | undefined {
  if (u == null || typeof u !== 'object') return undefined;
  const thoughts = n(u.thoughtsTokenCount);
  const usage: CanonicalUsage = {
    promptTokens: n(u.promptTokenCount) + n(u.toolUsePromptTokenCount),
    completionTokens: n(u.candidatesTokenCount) + thoughts,
  };
  if (n(u.cachedContentTokenCount) > 0) usage.cachedTokens = n(u.cachedContentTokenCount);
  if (thoughts > 0) usage.reasoningTokens = thoughts;
  return usage;
}
