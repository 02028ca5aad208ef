import type { ProviderAdapter } from '../types.js';
import { parseOpenAIError } from './errors.js';
import { buildOpenAIRequest } from './request.js';
import { parseOpenAIResponse } from './response.js';
import { createOpenAIStreamParser } from './stream.js';

export const OPENAI_SUPPORTED_PARAMETERS = [
  'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens',
  'frequency_penalty', 'presence_penalty', 'seed', 'stop', 'logit_bias', 'logprobs', 'top_logprobs',
  'response_format', 'structured_outputs', 'reasoning', 'reasoning_effort', 'include_reasoning', 'verbosity', 'prediction',
] as const;

/** OpenAI itself. */
export const openai: ProviderAdapter = {
  type: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  supportedParameters: OPENAI_SUPPORTED_PARAMETERS,
  buildRequest: (req, ctx) => buildOpenAIRequest(req, ctx, { compatExtras: false, legacyMaxTokens: false }),
  parseResponse: parseOpenAIResponse,
  createStreamParser: createOpenAIStreamParser,
  parseError: parseOpenAIError,
};

/** Any server that speaks Chat Completions (vLLM, llama.cpp, LM Studio, …): same wire, looser params. */
export const openaiCompatible: ProviderAdapter = {
  ...openai,
  type: 'openai-compatible',
  defaultBaseUrl: undefined,
  supportedParameters: [...OPENAI_SUPPORTED_PARAMETERS, 'top_k', 'min_p', 'repetition_penalty'],
  validateConfig: (p) => (p.base_url ? [] : ['base_url: required for type openai-compatible']),
  buildRequest: (req, ctx) => buildOpenAIRequest(req, ctx, { compatExtras: true, legacyMaxTokens: true }),
};
