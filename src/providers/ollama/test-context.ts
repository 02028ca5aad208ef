/** A fixed adapter context for the Ollama unit tests. */
import type { AdapterContext } from '../types.js';

export const ctx = {
  provider: { name: 'ollama', type: 'ollama', base_url: 'http://127.0.0.1:11434', headers: {}, timeout_ms: 1000 },
  endpoint: { provider: 'ollama', model: 'qwen3:8b', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'gen-1-abcdefghijklmnop',
} as AdapterContext;
