import type { CanonicalUsage } from '../../schema/canonical.js';

/** The counters on Ollama's final (`done:true`) object. */
export interface OllamaCounts {
  prompt_eval_count?: number;
  eval_count?: number;
}

/** prompt_eval_count → prompt tokens, eval_count → completion tokens (Ollama reports no cache or reasoning split). */
export function mapUsage(b: OllamaCounts): CanonicalUsage | undefined {
  if (typeof b.prompt_eval_count !== 'number' && typeof b.eval_count !== 'number') return undefined;
  return { promptTokens: b.prompt_eval_count ?? 0, completionTokens: b.eval_count ?? 0 };
}
