import type { ProviderAdapter } from '../types.js';
import { parseMistralError } from './errors.js';
import { buildMistralRequest } from './request.js';
import { parseMistralResponse } from './response.js';
import { createMistralStreamParser } from './stream.js';

/** Mistral La Plateforme chat completions (9-character tool-call ids, tool_choice any). */
export const mistral: ProviderAdapter = {
  type: 'mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  supportedParameters: [
    'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'seed',
    'presence_penalty', 'frequency_penalty', 'response_format', 'structured_outputs', 'reasoning', 'reasoning_effort', 'include_reasoning', 'prediction',
  ],
  buildRequest: buildMistralRequest,
  parseResponse: parseMistralResponse,
  createStreamParser: createMistralStreamParser,
  parseError: parseMistralError,
};
