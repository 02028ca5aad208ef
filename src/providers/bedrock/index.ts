import { limitToolCallEvents, limitToolCalls, toolCallLimit } from '../shared/tool-call-limit.js';
import type { AdapterContext, ProviderAdapter } from '../types.js';
import { modelFamily, validateBedrockConfig } from './config.js';
import { parseBedrockError } from './errors.js';
import { buildBedrockRequest } from './request.js';
import { parseBedrockResponse } from './response.js';
import { signBedrockRequest } from './sign.js';
import { createBedrockStreamParser } from './stream.js';

/**
 * Converse has no "none" (tools stay when the history needs them) and only Claude takes a
 * parallel-calls switch: answers are cut to what the client asked for (shared/tool-call-limit).
 */
const limit = (ctx: AdapterContext) => toolCallLimit(ctx.request, { none: false, parallel: modelFamily(ctx.endpoint.model) === 'anthropic' });

/** AWS Bedrock Converse / ConverseStream, signed with SigV4 (or a Bedrock API key as `api_key`). */
export const bedrock: ProviderAdapter = {
  type: 'bedrock',
  // the default endpoint depends on the region: https://bedrock-runtime.{region}.amazonaws.com (config.ts)
  defaultBaseUrl: undefined,
  supportedParameters: ['tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens', 'stop', 'reasoning', 'include_reasoning'],
  validateConfig: validateBedrockConfig,
  buildRequest: buildBedrockRequest,
  sign: (req, ctx) => signBedrockRequest(req, ctx),
  parseResponse: (body, ctx) => limitToolCalls(parseBedrockResponse(body, ctx), limit(ctx)),
  createStreamParser: (ctx, emit) => createBedrockStreamParser(ctx, limitToolCallEvents(emit, limit(ctx))),
  parseError: parseBedrockError,
};
