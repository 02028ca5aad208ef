import type { CanonicalUsage } from '../../schema/canonical.js';
import type { Usage } from './types.js';

/**
 * Anthropic usage → canonical. Anthropic's input_tokens excludes cache reads and writes; the
 * OpenAI convention counts them inside prompt_tokens, so they are added back.
 */
export function mapUsage(u: Usage | null | undefined): CanonicalUsage | undefined {
  if (u == null || typeof u !== 'object') return undefined;
  const read = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  const usage: CanonicalUsage = { promptTokens: (u.input_tokens ?? 0) + read + written, completionTokens: u.output_tokens ?? 0 };
  if (read > 0) usage.cachedTokens = read;
  if (written > 0) usage.cacheWriteTokens = written;
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (thinking) usage.reasoningTokens = thinking;
  return usage;
}

/**
 * Streaming: message_start carries the input side, message_delta the cumulative output (and, on
 * newer API versions, cumulative input fields too). Later non-null values win.
 */
export function mergeUsage(into: Usage, next: Usage | null | undefined): Usage {
  if (next == null) return into;
  for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens_details'] as const) {
    if (next[k] != null) (into as Record<string, unknown>)[k] = next[k];
  }
  return into;
}
