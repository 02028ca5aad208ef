/**
 * Canonical request → Cohere `POST {base}/v2/chat`.
 *
 * tool_choice: auto → omitted; required → REQUIRED; none → NONE; named → tools cut to that
 * one tool + REQUIRED (Cohere has no named form). parallel_tool_calls has no Cohere field.
 * reasoning → `thinking {type:'enabled', token_budget?}` (effort none → disabled).
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { convertMessages } from './messages.js';

const PARAMS: Record<string, string> = {
  temperature: 'temperature',
  top_p: 'p',
  top_k: 'k',
  seed: 'seed',
  frequency_penalty: 'frequency_penalty',
  presence_penalty: 'presence_penalty',
  safety_mode: 'safety_mode',
};

export function buildCohereBody(req: CanonicalRequest, ctx: AdapterContext): Record<string, unknown> {
  const src = req.body as Record<string, unknown>;
  const body: Record<string, unknown> = { model: ctx.endpoint.model, messages: convertMessages(req.messages) };
  for (const [k, native] of Object.entries(PARAMS)) if (src[k] != null) body[native] = src[k];
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.stop !== undefined && req.stop.length > 0) body.stop_sequences = req.stop;
  const format = responseFormat(req.body.response_format);
  if (format !== undefined) body.response_format = format;
  if (req.tools !== undefined) {
    const choice = req.toolChoice;
    const tools = choice?.type === 'function' ? req.tools.filter((t) => t.function.name === choice.name) : req.tools;
    body.tools = tools.map((t) => ({
      type: 'function',
      function: { name: t.function.name, ...(t.function.description ? { description: t.function.description } : {}), parameters: t.function.parameters ?? { type: 'object', properties: {} } },
    }));
    if (tools.some((t) => t.function.strict === true)) body.strict_tools = true;
    if (choice?.type === 'none') body.tool_choice = 'NONE';
    else if (choice?.type === 'required' || choice?.type === 'function') body.tool_choice = 'REQUIRED';
  }
  const r = req.reasoning;
  if (r !== undefined) {
    if (r.enabled) body.thinking = r.maxTokens === undefined ? { type: 'enabled' } : { type: 'enabled', token_budget: r.maxTokens };
    else if (r.effort === 'none') body.thinking = { type: 'disabled' };
  }
  if (req.stream) body.stream = true;
  return body;
}

function responseFormat(f: CanonicalRequest['body']['response_format']): Record<string, unknown> | undefined {
  if (f === undefined || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  return f.json_schema.schema === undefined ? { type: 'json_object' } : { type: 'json_object', json_schema: f.json_schema.schema };
}

export function buildCohereRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: req.stream ? 'text/event-stream' : 'application/json', ...ctx.provider.headers };
  if (ctx.provider.api_key) headers.authorization = `Bearer ${ctx.provider.api_key}`;
  return { method: 'POST', url: `${ctx.provider.base_url}/v2/chat`, headers, body: JSON.stringify(buildCohereBody(req, ctx)) };
}
