/**
 * Canonical request → Mistral `POST {base}/chat/completions`. Mistral rejects unknown fields
 * (422 extra_forbidden), so only the parameters it has are sent, under its names.
 */
import type { CanonicalRequest, NormalizedToolChoice } from '../../schema/canonical.js';
import { reasoningEffort } from '../openai/request.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { convertMessages } from './messages.js';

/** public name → Mistral name, for parameters that pass through unchanged in value. */
const PARAMS: Record<string, string> = {
  temperature: 'temperature',
  top_p: 'top_p',
  seed: 'random_seed',
  presence_penalty: 'presence_penalty',
  frequency_penalty: 'frequency_penalty',
  n: 'n',
  prediction: 'prediction',
  response_format: 'response_format',
  safe_prompt: 'safe_prompt',
};

export function mistralToolChoice(c: NormalizedToolChoice | undefined): unknown {
  if (c === undefined) return undefined;
  if (c.type === 'required') return 'any';
  if (c.type === 'function') return { type: 'function', function: { name: c.name } };
  return c.type;
}

export function buildMistralBody(req: CanonicalRequest, ctx: AdapterContext): Record<string, unknown> {
  const { messages } = convertMessages(req.messages);
  const src = req.body as Record<string, unknown>;
  const body: Record<string, unknown> = { model: ctx.endpoint.model, messages };
  for (const [k, native] of Object.entries(PARAMS)) if (src[k] != null) body[native] = src[k];
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.stop !== undefined) body.stop = req.stop;
  if (req.tools !== undefined) {
    body.tools = req.tools.map((t) => {
      const { strict, ...fn } = t.function;
      return { type: 'function', function: strict == null ? fn : { ...fn, strict } };
    });
    const choice = mistralToolChoice(req.toolChoice);
    if (choice !== undefined) body.tool_choice = choice;
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  const effort = reasoningEffort(req.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (req.stream) body.stream = true;
  return body;
}

export function buildMistralRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: req.stream ? 'text/event-stream' : 'application/json', ...ctx.provider.headers };
  if (ctx.provider.api_key) headers.authorization = `Bearer ${ctx.provider.api_key}`;
  return { method: 'POST', url: `${ctx.provider.base_url}/chat/completions`, headers, body: JSON.stringify(buildMistralBody(req, ctx)) };
}
