/**
 * `catalog: true` on a provider adds that provider type's built-in models (the tool-capable models
 * of src/config/defaults-catalog.ts for openai/anthropic/gemini, of src/providers/presets/catalog.ts
 * for the OpenAI-compatible presets) as model documents, exactly as if they had been written under
 * `models:`. Explicitly configured models with the same id win.
 */
import { perMillion, presetCatalog } from '../providers/presets/catalog.js';
import { DEFAULT_PROVIDERS, type DefaultModel } from './defaults-catalog.js';

/** A first-party catalog model as a `models:` entry served by `provider`. */
export function defaultModelDoc(provider: string, m: DefaultModel): Record<string, unknown> {
  const [input, output, cached] = m.usd;
  const pricing: Record<string, string> = { prompt: perMillion(input), completion: perMillion(output) };
  if (cached !== undefined) pricing.input_cache_read = perMillion(cached);
  return {
    id: m.id,
    name: m.name,
    context_length: m.context_length,
    endpoints: [{ provider, model: m.upstream, pricing, context_length: m.context_length, max_completion_tokens: m.max_completion_tokens }],
  };
}

/** Model documents for a provider's built-in catalog; undefined when its type has none. */
export function catalogModels(providerName: string, type: string): Record<string, unknown>[] | undefined {
  const first = DEFAULT_PROVIDERS.find((p) => p.type === type);
  if (first !== undefined) return first.models.map((m) => defaultModelDoc(providerName, m));
  const preset = presetCatalog(type);
  if (preset === undefined) return undefined;
  return preset.models.map((m) => ({
    id: `${providerName}/${m.id}`,
    name: m.name,
    context_length: m.context_length,
    endpoints: [{ provider: providerName, model: m.id, pricing: m.pricing ?? { prompt: '0', completion: '0' }, context_length: m.context_length, max_completion_tokens: m.max_completion_tokens }],
  }));
}
