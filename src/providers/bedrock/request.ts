/**
 * Canonical request → Converse / ConverseStream HTTP request (unsigned; `sign` adds SigV4).
 * `POST {base}/model/{url-encoded modelId}/converse` or `/converse-stream`.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import { badRequest } from '../../schema/errors.js';
import type { AdapterContext, EndpointConfig, UpstreamRequest } from '../types.js';
import { toolCallIdMap } from '../shared/mistral-ids.js';
import { bedrockBaseUrl, modelFamily } from './config.js';
import { convertMessages } from './messages.js';
import { planReasoning } from './reasoning.js';
import { planTools } from './tools.js';
import type { ConverseBody } from './types.js';

export function buildConverseBody(req: CanonicalRequest, modelId: string, endpoint: EndpointConfig): ConverseBody {
  const family = modelFamily(modelId);
  const caching = family === 'anthropic' || family === 'nova';
  const ids = family === 'mistral' ? toolCallIdMap(req.messages) : undefined;
  const { system, messages, historyToolNames } = convertMessages(req.messages, caching, ids === undefined ? undefined : (id) => ids.outbound(id));
  const reasoning = planReasoning(req.reasoning, family, req.maxTokens, endpoint, req.messages);
  const tools = planTools(req, family, reasoning.thinking, historyToolNames, caching);
  if (messages.length === 0) throw badRequest('messages: Bedrock needs at least one user or assistant message besides the system prompt');
  const body: ConverseBody = { messages };
  if (system.length > 0) body.system = system;
  const inference: NonNullable<ConverseBody['inferenceConfig']> = {};
  if (reasoning.maxTokens !== undefined) inference.maxTokens = reasoning.maxTokens;
  // Anthropic thinking rejects a temperature other than 1 and any top_p or top_k
  if (!(reasoning.thinking && family === 'anthropic')) {
    if (typeof req.body.temperature === 'number') inference.temperature = req.body.temperature;
    if (typeof req.body.top_p === 'number') inference.topP = req.body.top_p;
  }
  if (req.stop !== undefined && req.stop.length > 0) inference.stopSequences = req.stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  if (tools.toolConfig !== undefined) body.toolConfig = tools.toolConfig;
  const extra = { ...reasoning.fields };
  if (tools.anthropicToolChoice !== undefined) extra.tool_choice = tools.anthropicToolChoice;
  if (family === 'anthropic' && !reasoning.thinking && typeof req.body.top_k === 'number') extra.top_k = req.body.top_k;
  if (Object.keys(extra).length > 0) body.additionalModelRequestFields = extra;
  return body;
}

export function buildBedrockRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest {
  const modelId = ctx.endpoint.model;
  const op = req.stream ? 'converse-stream' : 'converse';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: req.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    ...ctx.provider.headers,
  };
  if (ctx.provider.api_key) headers.authorization = `Bearer ${ctx.provider.api_key}`;
  return {
    method: 'POST',
    url: `${bedrockBaseUrl(ctx.provider)}/model/${encodeURIComponent(modelId)}/${op}`,
    headers,
    body: JSON.stringify(buildConverseBody(req, modelId, ctx.endpoint)),
  };
}
