import type { ProviderAdapter } from '../types.js';
import { parseGeminiError } from './errors.js';
import { buildGeminiRequest } from './request.js';
import { parseGeminiResponse } from './response.js';
import { createGeminiStreamParser } from './stream.js';

/**
 * What a Gemini endpoint takes by default. No parallel_tool_calls: Gemini has no switch for it,
 * so it is dropped (or, with provider.require_parameters, the endpoint is skipped).
 */
export const GEMINI_SUPPORTED_PARAMETERS = [
  'tools', 'tool_choice', 'temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens', 'stop', 'seed',
  'presence_penalty', 'frequency_penalty', 'response_format', 'structured_outputs', 'reasoning', 'reasoning_effort', 'include_reasoning',
] as const;

/** Google Gemini (Generative Language API). */
export const gemini: ProviderAdapter = {
  type: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  supportedParameters: GEMINI_SUPPORTED_PARAMETERS,
  validateConfig: (p) => (p.api_version === undefined || (typeof p.api_version === 'string' && /^v\d+(alpha|beta)?\d*$/.test(p.api_version)) ? [] : ['api_version: must look like v1beta or v1']),
  buildRequest: buildGeminiRequest,
  parseResponse: parseGeminiResponse,
  createStreamParser: createGeminiStreamParser,
  parseError: parseGeminiError,
};
