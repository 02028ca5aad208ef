/**
 * Canonical request → `POST {base_url}/{api_version}/models/{model}:generateContent` (or
 * `:streamGenerateContent?alt=sse`), key in `x-goog-api-key`. The body is assembled from the
 * pieces in contents.ts (messages), tools.ts (tools, tool_choice), reasoning.ts (thinking) and
 * the generation parameters below.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { buildContents } from './contents.js';
import { thinkingConfig, usesThinkingLevel } from './reasoning.js';
import { buildTools, translateSchema } from './tools.js';
import type { GeminiGenerationConfig, GeminiRequestBody } from './types.js';

/** Public numeric parameter → generationConfig field, copied as they are. */
const NUMERIC: readonly (readonly [string, keyof GeminiGenerationConfig])[] = [
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['top_k', 'topK'],
  ['seed', 'seed'],
  ['presence_penalty', 'presencePenalty'],
  ['frequency_penalty', 'frequencyPenalty'],
];

export function buildGeminiBody(req: CanonicalRequest, ctx: AdapterContext): GeminiRequestBody {
  const model = upstreamModel(ctx.endpoint.model);
  // Gemini 3, and any model with thinking on, rejects current-turn calls without their signature
  const requireSignatures = req.reasoning?.enabled === true || usesThinkingLevel(model);
  const body: GeminiRequestBody = { ...buildContents(req.messages, { requireSignatures }), ...buildTools(req.tools, req.toolChoice) };
  const generationConfig = generation(req, model);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

export function buildGeminiRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest {
  const version = typeof ctx.provider.api_version === 'string' && ctx.provider.api_version !== '' ? ctx.provider.api_version : 'v1beta';
  const method = req.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...ctx.provider.headers };
  if (ctx.provider.api_key) headers['x-goog-api-key'] = ctx.provider.api_key;
  return {
    method: 'POST',
    url: `${ctx.provider.base_url}/${version}/models/${encodeURIComponent(upstreamModel(ctx.endpoint.model))}:${method}`,
    headers,
    body: JSON.stringify(buildGeminiBody(req, ctx)),
  };
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
const upstreamModel = (model: string) => model.replace(/^models\//, '');

function generation(req: CanonicalRequest, model: string): GeminiGenerationConfig {
  const src = req.body as Record<string, unknown>;
  const cfg: GeminiGenerationConfig = {};
  for (const [from, to] of NUMERIC) if (typeof src[from] === 'number') (cfg as Record<string, unknown>)[to] = src[from];
  if (req.maxTokens !== undefined) cfg.maxOutputTokens = req.maxTokens;
  if (req.stop !== undefined && req.stop.length > 0) cfg.stopSequences = req.stop;
  const format = req.body.response_format;
  if (format?.type === 'json_object') cfg.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    cfg.responseMimeType = 'application/json';
    const schema = translateSchema(format.json_schema.schema, 'response_format.json_schema.schema');
    if (schema !== undefined) cfg.responseSchema = schema;
  }
  const thinking = thinkingConfig(req.reasoning, model);
  if (thinking !== undefined) cfg.thinkingConfig = thinking;
  return cfg;
}
