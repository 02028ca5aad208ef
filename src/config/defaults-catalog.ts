/**
 * The models configured automatically when a provider key is set and there is no config file:
 * each first-party provider's current tool-capable models, with OpenRouter-style ids, context
 * lengths and public list prices (USD per token, from the providers' pricing pages, 2025-11).
 */
export interface DefaultModel {
  /** The id clients use (OpenRouter's). */
  id: string;
  name: string;
  /** The upstream's model id. */
  upstream: string;
  context_length: number;
  max_completion_tokens: number;
  /** USD per million tokens: input, output, cached input read. */
  usd: [number, number, number?];
}

export interface DefaultProvider {
  /** Provider name in the generated config (reported to clients as `provider`). */
  name: string;
  /** Adapter type. */
  type: string;
  /** The environment variable holding the API key. */
  env: string;
  /** The environment variable that may override the base URL (a proxy, a local fake). */
  baseUrlEnv: string;
  models: readonly DefaultModel[];
}

export const DEFAULT_PROVIDERS: readonly DefaultProvider[] = [
  {
    name: 'openai',
    type: 'openai',
    env: 'OPENAI_API_KEY',
    baseUrlEnv: 'OPENAI_BASE_URL',
    models: [
      { id: 'openai/gpt-5', name: 'OpenAI: GPT-5', upstream: 'gpt-5', context_length: 400_000, max_completion_tokens: 128_000, usd: [1.25, 10, 0.125] },
      { id: 'openai/gpt-5-mini', name: 'OpenAI: GPT-5 Mini', upstream: 'gpt-5-mini', context_length: 400_000, max_completion_tokens: 128_000, usd: [0.25, 2, 0.025] },
      { id: 'openai/gpt-5-nano', name: 'OpenAI: GPT-5 Nano', upstream: 'gpt-5-nano', context_length: 400_000, max_completion_tokens: 128_000, usd: [0.05, 0.4, 0.005] },
      { id: 'openai/gpt-4.1', name: 'OpenAI: GPT-4.1', upstream: 'gpt-4.1', context_length: 1_047_576, max_completion_tokens: 32_768, usd: [2, 8, 0.5] },
      { id: 'openai/gpt-4.1-mini', name: 'OpenAI: GPT-4.1 Mini', upstream: 'gpt-4.1-mini', context_length: 1_047_576, max_completion_tokens: 32_768, usd: [0.4, 1.6, 0.1] },
      { id: 'openai/gpt-4o-mini', name: 'OpenAI: GPT-4o-mini', upstream: 'gpt-4o-mini', context_length: 128_000, max_completion_tokens: 16_384, usd: [0.15, 0.6, 0.075] },
      { id: 'openai/o4-mini', name: 'OpenAI: o4 Mini', upstream: 'o4-mini', context_length: 200_000, max_completion_tokens: 100_000, usd: [1.1, 4.4, 0.275] },
    ],
  },
  {
    name: 'anthropic',
    type: 'anthropic',
    env: 'ANTHROPIC_API_KEY',
    baseUrlEnv: 'ANTHROPIC_BASE_URL',
    models: [
      { id: 'anthropic/claude-opus-4.5', name: 'Anthropic: Claude Opus 4.5', upstream: 'claude-opus-4-5', context_length: 200_000, max_completion_tokens: 64_000, usd: [5, 25, 0.5] },
      { id: 'anthropic/claude-sonnet-4.5', name: 'Anthropic: Claude Sonnet 4.5', upstream: 'claude-sonnet-4-5', context_length: 200_000, max_completion_tokens: 64_000, usd: [3, 15, 0.3] },
      { id: 'anthropic/claude-haiku-4.5', name: 'Anthropic: Claude Haiku 4.5', upstream: 'claude-haiku-4-5', context_length: 200_000, max_completion_tokens: 64_000, usd: [1, 5, 0.1] },
      { id: 'anthropic/claude-opus-4.1', name: 'Anthropic: Claude Opus 4.1', upstream: 'claude-opus-4-1', context_length: 200_000, max_completion_tokens: 32_000, usd: [15, 75, 1.5] },
    ],
  },
  {
    name: 'google',
    type: 'gemini',
    env: 'GEMINI_API_KEY',
    baseUrlEnv: 'GEMINI_BASE_URL',
    models: [
      { id: 'google/gemini-2.5-pro', name: 'Google: Gemini 2.5 Pro', upstream: 'gemini-2.5-pro', context_length: 1_048_576, max_completion_tokens: 65_536, usd: [1.25, 10, 0.125] },
      { id: 'google/gemini-2.5-flash', name: 'Google: Gemini 2.5 Flash', upstream: 'gemini-2.5-flash', context_length: 1_048_576, max_completion_tokens: 65_536, usd: [0.3, 2.5, 0.03] },
      { id: 'google/gemini-2.5-flash-lite', name: 'Google: Gemini 2.5 Flash-Lite', upstream: 'gemini-2.5-flash-lite', context_length: 1_048_576, max_completion_tokens: 65_536, usd: [0.1, 0.4, 0.01] },
    ],
  },
];
