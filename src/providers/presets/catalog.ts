/**
 * Built-in catalog of each preset's current tool-capable models: upstream model id, context
 * length, output limit and public list prices (USD per token, converted from the hosts' per-
 * million price pages as of `as_of`). Data only: nothing reads it at config load yet; a later
 * feature uses it to auto-configure models (`type: groq` with no models listed). Self-hosted
 * servers (vLLM, llama.cpp) serve whatever model was loaded, so their entries list no models:
 * ask the server's GET /v1/models.
 */
import type { Pricing } from '../types.js';

export interface CatalogModel {
  /** The upstream's model id (what an endpoint's `model:` takes). */
  id: string;
  name: string;
  context_length: number;
  max_completion_tokens?: number;
  /** Absent where the host publishes no price. */
  pricing?: Pricing;
  /** The model can return reasoning. */
  reasoning?: boolean;
}

export interface PresetCatalog {
  preset: string;
  /** The date the figures were taken from the host's public pages. */
  as_of: string;
  source: string;
  models: readonly CatalogModel[];
  note?: string;
}

/** USD per million tokens → OpenRouter's USD-per-token decimal string. */
export function perMillion(usd: number): string {
  return (usd / 1e6).toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

const price = (prompt: number, completion: number, cacheRead?: number): Pricing => {
  const p: Pricing = { prompt: perMillion(prompt), completion: perMillion(completion) };
  if (cacheRead !== undefined) p.input_cache_read = perMillion(cacheRead);
  return p;
};

export const PRESET_CATALOG: Readonly<Record<string, PresetCatalog>> = {
  groq: {
    preset: 'groq',
    as_of: '2025-10',
    source: 'https://console.groq.com/docs/models',
    models: [
      { id: 'openai/gpt-oss-120b', name: 'GPT-OSS 120B', context_length: 131072, max_completion_tokens: 65536, pricing: price(0.15, 0.75), reasoning: true },
      { id: 'openai/gpt-oss-20b', name: 'GPT-OSS 20B', context_length: 131072, max_completion_tokens: 65536, pricing: price(0.1, 0.5), reasoning: true },
      { id: 'llama-3.3-70b-versatile', name: 'Llama 3.3 70B Versatile', context_length: 131072, max_completion_tokens: 32768, pricing: price(0.59, 0.79) },
      { id: 'llama-3.1-8b-instant', name: 'Llama 3.1 8B Instant', context_length: 131072, max_completion_tokens: 131072, pricing: price(0.05, 0.08) },
      { id: 'meta-llama/llama-4-maverick-17b-128e-instruct', name: 'Llama 4 Maverick', context_length: 131072, max_completion_tokens: 8192, pricing: price(0.2, 0.6) },
      { id: 'meta-llama/llama-4-scout-17b-16e-instruct', name: 'Llama 4 Scout', context_length: 131072, max_completion_tokens: 8192, pricing: price(0.11, 0.34) },
      { id: 'moonshotai/kimi-k2-instruct-0905', name: 'Kimi K2 0905', context_length: 262144, max_completion_tokens: 16384, pricing: price(1, 3) },
      { id: 'qwen/qwen3-32b', name: 'Qwen3 32B', context_length: 131072, max_completion_tokens: 40960, pricing: price(0.29, 0.59), reasoning: true },
    ],
  },
  together: {
    preset: 'together',
    as_of: '2025-10',
    source: 'https://docs.together.ai/docs/function-calling',
    models: [
      { id: 'openai/gpt-oss-120b', name: 'GPT-OSS 120B', context_length: 131072, pricing: price(0.15, 0.6), reasoning: true },
      { id: 'moonshotai/Kimi-K2-Instruct-0905', name: 'Kimi K2 0905', context_length: 262144, pricing: price(1, 3) },
      { id: 'Qwen/Qwen3-235B-A22B-Instruct-2507-tput', name: 'Qwen3 235B A22B Instruct 2507', context_length: 262144, pricing: price(0.2, 0.6) },
      { id: 'deepseek-ai/DeepSeek-V3.1', name: 'DeepSeek V3.1', context_length: 131072, pricing: price(0.6, 1.7), reasoning: true },
      { id: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', name: 'Llama 4 Maverick', context_length: 1048576, pricing: price(0.27, 0.85) },
      { id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', name: 'Llama 3.3 70B Instruct Turbo', context_length: 131072, pricing: price(0.88, 0.88) },
      { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', name: 'Llama 3.1 8B Instruct Turbo', context_length: 131072, pricing: price(0.18, 0.18) },
      { id: 'Qwen/Qwen2.5-72B-Instruct-Turbo', name: 'Qwen2.5 72B Instruct Turbo', context_length: 32768, pricing: price(1.2, 1.2) },
    ],
  },
  fireworks: {
    preset: 'fireworks',
    as_of: '2025-10',
    source: 'https://docs.fireworks.ai/guides/function-calling',
    models: [
      { id: 'accounts/fireworks/models/gpt-oss-120b', name: 'GPT-OSS 120B', context_length: 131072, pricing: price(0.15, 0.6), reasoning: true },
      { id: 'accounts/fireworks/models/kimi-k2-instruct-0905', name: 'Kimi K2 0905', context_length: 262144, pricing: price(0.6, 2.5) },
      { id: 'accounts/fireworks/models/deepseek-v3p1', name: 'DeepSeek V3.1', context_length: 163840, pricing: price(0.56, 1.68), reasoning: true },
      { id: 'accounts/fireworks/models/qwen3-235b-a22b-instruct-2507', name: 'Qwen3 235B A22B Instruct 2507', context_length: 262144, pricing: price(0.22, 0.88) },
      { id: 'accounts/fireworks/models/llama4-maverick-instruct-basic', name: 'Llama 4 Maverick', context_length: 1048576, pricing: price(0.22, 0.88) },
      { id: 'accounts/fireworks/models/llama-v3p3-70b-instruct', name: 'Llama 3.3 70B Instruct', context_length: 131072, pricing: price(0.9, 0.9) },
    ],
  },
  deepseek: {
    preset: 'deepseek',
    as_of: '2025-10',
    source: 'https://api-docs.deepseek.com/quick_start/pricing',
    models: [
      { id: 'deepseek-chat', name: 'DeepSeek V3.2 (non-thinking)', context_length: 131072, max_completion_tokens: 8192, pricing: price(0.28, 0.42, 0.028) },
      { id: 'deepseek-reasoner', name: 'DeepSeek V3.2 (thinking)', context_length: 131072, max_completion_tokens: 65536, pricing: price(0.28, 0.42, 0.028), reasoning: true },
    ],
  },
  xai: {
    preset: 'xai',
    as_of: '2025-10',
    source: 'https://docs.x.ai/docs/models',
    models: [
      { id: 'grok-4', name: 'Grok 4', context_length: 256000, pricing: price(3, 15, 0.75), reasoning: true },
      { id: 'grok-4-fast-reasoning', name: 'Grok 4 Fast (reasoning)', context_length: 2000000, pricing: price(0.2, 0.5, 0.05), reasoning: true },
      { id: 'grok-4-fast-non-reasoning', name: 'Grok 4 Fast (non-reasoning)', context_length: 2000000, pricing: price(0.2, 0.5, 0.05) },
      { id: 'grok-code-fast-1', name: 'Grok Code Fast 1', context_length: 256000, pricing: price(0.2, 1.5, 0.02), reasoning: true },
      { id: 'grok-3', name: 'Grok 3', context_length: 131072, pricing: price(3, 15, 0.75) },
      { id: 'grok-3-mini', name: 'Grok 3 Mini', context_length: 131072, pricing: price(0.3, 0.5, 0.075), reasoning: true },
    ],
  },
  openrouter: {
    preset: 'openrouter',
    as_of: '2025-10',
    source: 'https://openrouter.ai/models?supported_parameters=tools',
    note: 'A small selection; OpenRouter lists hundreds of tool-capable models at GET https://openrouter.ai/api/v1/models?supported_parameters=tools.',
    models: [
      { id: 'openai/gpt-4o-mini', name: 'OpenAI: GPT-4o-mini', context_length: 128000, max_completion_tokens: 16384, pricing: price(0.15, 0.6, 0.075) },
      { id: 'openai/gpt-5-mini', name: 'OpenAI: GPT-5 Mini', context_length: 400000, max_completion_tokens: 128000, pricing: price(0.25, 2, 0.025), reasoning: true },
      { id: 'anthropic/claude-sonnet-4.5', name: 'Anthropic: Claude Sonnet 4.5', context_length: 1000000, max_completion_tokens: 64000, pricing: price(3, 15, 0.3), reasoning: true },
      { id: 'anthropic/claude-haiku-4.5', name: 'Anthropic: Claude Haiku 4.5', context_length: 200000, max_completion_tokens: 64000, pricing: price(1, 5, 0.1), reasoning: true },
      { id: 'google/gemini-2.5-flash', name: 'Google: Gemini 2.5 Flash', context_length: 1048576, max_completion_tokens: 65535, pricing: price(0.3, 2.5, 0.075), reasoning: true },
      { id: 'google/gemini-2.5-pro', name: 'Google: Gemini 2.5 Pro', context_length: 1048576, max_completion_tokens: 65536, pricing: price(1.25, 10, 0.31), reasoning: true },
      { id: 'deepseek/deepseek-v3.2-exp', name: 'DeepSeek: DeepSeek V3.2 Exp', context_length: 163840, pricing: price(0.27, 0.4), reasoning: true },
      { id: 'meta-llama/llama-3.3-70b-instruct', name: 'Meta: Llama 3.3 70B Instruct', context_length: 131072, pricing: price(0.13, 0.39) },
    ],
  },
  vllm: {
    preset: 'vllm',
    as_of: '2025-10',
    source: 'https://docs.vllm.ai/en/latest/features/tool_calling.html',
    note: 'Self-hosted: the served model is whatever the server was started with (GET /v1/models). Tools need --enable-auto-tool-choice --tool-call-parser <name>.',
    models: [],
  },
  llamacpp: {
    preset: 'llamacpp',
    as_of: '2025-10',
    source: 'https://github.com/ggml-org/llama.cpp/blob/master/docs/function-calling.md',
    note: 'Self-hosted: one loaded model (GET /v1/models). Tools need llama-server --jinja and a tool-capable chat template.',
    models: [],
  },
};

export function presetCatalog(preset: string): PresetCatalog | undefined {
  return PRESET_CATALOG[preset];
}
