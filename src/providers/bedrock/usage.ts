import type { CanonicalUsage } from '../../schema/canonical.js';
import type { TokenUsage } from './types.js';

/** Converse usage → canonical. `inputTokens` excludes cache reads and writes, so they are added back. */
export function mapBedrockUsage(u: TokenUsage | null | undefined): CanonicalUsage | undefined {
  if (u == null || typeof u !== 'object') return undefined;
  const read = u.cacheReadInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  const usage: CanonicalUsage = { promptTokens: (u.inputTokens ?? 0) + read + write, completionTokens: u.outputTokens ?? 0 };
  if (read > 0) usage.cachedTokens = read;
  if (write > 0) usage.cacheWriteTokens = write;
  return usage;
}
