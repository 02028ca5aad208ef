import { limitToolCallEvents, limitToolCalls, toolCallLimit } from '../shared/tool-call-limit.js';
import type { AdapterContext, ProviderAdapter } from '../types.js';
import { parseCohereError } from './errors.js';
import { buildCohereRequest } from './request.js';
import { parseCohereResponse } from './response.js';
import { createCohereStreamParser } from './stream.js';

/** Cohere has no parallel-calls switch: with parallel_tool_calls:false answers keep their first call. */
const limit = (ctx: AdapterContext) => toolCallLimit(ctx.request, { none: true, parallel: false });

/** Cohere v2 chat (tool_calls + tool_plan, tool results as documents). */
export const cohere: ProviderAdapter = {
  type: 'cohere',
  defaultBaseUrl: 'https://api.cohere.com',
  supportedParameters: [
    'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens', 'stop', 'seed',
    'frequency_penalty', 'presence_penalty', 'response_format', 'structured_outputs', 'reasoning', 'include_reasoning',
  ],
  buildRequest: buildCohereRequest,
  parseResponse: (body, ctx) => limitToolCalls(parseCohereResponse(body, ctx), limit(ctx)),
  createStreamParser: (ctx, emit) => createCohereStreamParser(ctx, limitToolCallEvents(emit, limit(ctx))),
  parseError: parseCohereError,
};
