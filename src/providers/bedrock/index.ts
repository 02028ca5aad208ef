import type { CanonicalResponse } from '../../schema/canonical.js';
import { idsFor } from '../shared/mistral-ids.js';
import { limitToolCallEvents, limitToolCalls, toolCallLimit } from '../shared/tool-call-limit.js';
import type { AdapterContext, Emit, ProviderAdapter } from '../types.js';
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

/** Mistral models on Bedrock get 9-character ids for the client's (request.ts); rewritten ids coming back are the client's again. */
function restoreIds(ctx: AdapterContext, res: CanonicalResponse): CanonicalResponse {
  if (modelFamily(ctx.endpoint.model) !== 'mistral') return res;
  const ids = idsFor(ctx);
  return { ...res, toolCalls: res.toolCalls.map((tc) => ({ ...tc, id: ids.inbound(tc.id) })) };
}
function restoreIdEvents(ctx: AdapterContext, emit: Emit): Emit {
  if (modelFamily(ctx.endpoint.model) !== 'mistral') return emit;
  const ids = idsFor(ctx);
  return (e) => emit(e.type === 'tool_call_start' ? { ...e, id: ids.inbound(e.id) } : e);
}

/** AWS Bedrock Converse / ConverseStream, signed with SigV4 (or a Bedrock API key as `api_key`). */
export const bedrock: ProviderAdapter = {
  type: 'bedrock',
  // the default endpoint depends on the region: https://bedrock-runtime.{region}.amazonaws.com (config.ts)
  defaultBaseUrl: undefined,
  supportedParameters: ['tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens', 'stop', 'reasoning', 'include_reasoning'],
  validateConfig: validateBedrockConfig,
  buildRequest: buildBedrockRequest,
  sign: (req, ctx) => signBedrockRequest(req, ctx),
  parseResponse: (body, ctx) => restoreIds(ctx, limitToolCalls(parseBedrockResponse(body, ctx), limit(ctx))),
  createStreamParser: (ctx, emit) => createBedrockStreamParser(ctx, restoreIdEvents(ctx, limitToolCallEvents(emit, limit(ctx)))),
  parseError: parseBedrockError,
};
