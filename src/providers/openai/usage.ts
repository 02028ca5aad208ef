import type { CanonicalUsage } from '../../schema/canonical.js';

interface OpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek */
  prompt_cache_hit_tokens?: number;
}

export function mapUsage(u: OpenAIUsage | null | undefined): CanonicalUsage | undefined {
  if (u == null || typeof u !== 'object') return undefined;
  const usage: CanonicalUsage = { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 };
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens;
  if (cached) usage.cachedTokens = cached;
  const written = u.prompt_tokens_details?.cache_write_tokens;
  if (written) usage.cacheWriteTokens = written;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (reasoning) usage.reasoningTokens = reasoning;
  return usage;
}
