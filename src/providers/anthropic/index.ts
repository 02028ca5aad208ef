import type { ProviderAdapter } from '../types.js';
import { parseAnthropicError } from './errors.js';
import { buildAnthropicRequest } from './request.js';
import { parseAnthropicResponse } from './response.js';
import { createAnthropicStreamParser } from './stream.js';

/** What a Claude endpoint takes unless its config says otherwise (sampling, tools, thinking). */
export const ANTHROPIC_SUPPORTED_PARAMETERS = [
  'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens',
  'stop', 'reasoning', 'reasoning_effort', 'include_reasoning',
] as const;

/** Anthropic Messages API (`type: anthropic`). */
export const anthropic: ProviderAdapter = {
  type: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  supportedParameters: ANTHROPIC_SUPPORTED_PARAMETERS,
  buildRequest: buildAnthropicRequest,
  parseResponse: parseAnthropicResponse,
  createStreamParser: createAnthropicStreamParser,
  parseError: parseAnthropicError,
};
