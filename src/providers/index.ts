/** The provider registry: one line per provider type. */
import { anthropic } from './anthropic/index.js';
import { bedrock } from './bedrock/index.js';
import { cohere } from './cohere/index.js';
import { mistral } from './mistral/index.js';
import { gemini } from './gemini/index.js';
import { openai, openaiCompatible } from './openai/index.js';
import { ollama } from './ollama/index.js';
import { presets } from './presets/index.js';
import { createReplayAdapter } from './replay/index.js';
import type { ProviderAdapter } from './types.js';

const adapters: ProviderAdapter[] = [
  openai,
  openaiCompatible,
  anthropic,
  gemini,
  ollama,
  ...presets,
  bedrock,
  mistral,
  cohere,
  createReplayAdapter(() => registry),
];

export const registry: ReadonlyMap<string, ProviderAdapter> = new Map(adapters.map((a) => [a.type, a]));

export function getAdapter(type: string): ProviderAdapter | undefined {
  return registry.get(type);
}
