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
  if (next.input_tokens != null) into.input_tokens = next.input_tokens;
  if (next.output_tokens != null) into.output_tokens = next.output_tokens;
  if (next.cache_creation_input_tokens != null) into.cache_creation_input_tokens = next.cache_creation_input_tokens;
  if (next.cache_read_input_tokens != null) into.cache_read_input_tokens = next.cache_read_input_tokens;
  if (next.output_tokens_details != null) into.output_tokens_details = next.output_tokens_details;
  return into;
}
