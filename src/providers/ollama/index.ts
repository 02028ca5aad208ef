import type { ProviderAdapter } from '../types.js';
import { parseOllamaError } from './errors.js';
import { buildOllamaRequest } from './request.js';
import { parseOllamaResponse } from './response.js';
import { createOllamaStreamParser } from './stream.js';

/** What `/api/chat` takes (parallel_tool_calls has no native switch, so it is not listed). */
export const OLLAMA_SUPPORTED_PARAMETERS = [
  'tools', 'tool_choice', 'temperature', 'top_p', 'top_k', 'min_p', 'max_tokens', 'max_completion_tokens', 'seed', 'stop',
  'frequency_penalty', 'presence_penalty', 'repetition_penalty', 'response_format', 'structured_outputs', 'reasoning',
  'reasoning_effort', 'include_reasoning',
] as const;

/** Ollama's native chat API (NDJSON streaming, tool arguments as objects, no tool-call ids). */
export const ollama: ProviderAdapter = {
  type: 'ollama',
  defaultBaseUrl: 'http://127.0.0.1:11434',
  supportedParameters: OLLAMA_SUPPORTED_PARAMETERS,
  buildRequest: buildOllamaRequest,
  parseResponse: parseOllamaResponse,
  createStreamParser: createOllamaStreamParser,
  parseError: parseOllamaError,
};
