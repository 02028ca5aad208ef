import type { ProviderAdapter } from '../types.js';
import { parseCohereError } from './errors.js';
import { buildCohereRequest } from './request.js';
import { parseCohereResponse } from './response.js';
import { createCohereStreamParser } from './stream.js';

/** Cohere v2 chat (tool_calls + tool_plan, tool results as documents). No parallel_tool_calls field. */
export const cohere: ProviderAdapter = {
  type: 'cohere',
  defaultBaseUrl: 'https://api.cohere.com',
  supportedParameters: [
    'tools', 'tool_choice', 'temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens', 'stop', 'seed',
    'frequency_penalty', 'presence_penalty', 'response_format', 'structured_outputs', 'reasoning', 'include_reasoning',
  ],
  buildRequest: buildCohereRequest,
  parseResponse: parseCohereResponse,
  createStreamParser: createCohereStreamParser,
  parseError: parseCohereError,
};
