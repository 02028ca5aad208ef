import type { CanonicalRequest, NormalizedReasoning } from '../../schema/canonical.js';
import type { ContentPart, Message } from '../../schema/types.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { stringifyWithRaw } from '../../schema/raw-json.js';

/**
 * Chat Completions parameters that pass through unchanged. Gateway-only fields (models,
 * provider, plugins, transforms, route, usage, debug, …) and unknown client fields are not here,
 * so they never reach the upstream.
 */
const PASS_THROUGH = [
  'temperature', 'top_p', 'frequency_penalty', 'presence_penalty', 'seed', 'logit_bias', 'logprobs',
  'top_logprobs', 'response_format', 'user', 'prediction', 'parallel_tool_calls', 'service_tier',
  'verbosity', 'web_search_options', 'modalities', 'audio', 'n', 'metadata', 'store',
] as const;

/** Sampling parameters only OpenAI-compatible servers (vLLM, llama.cpp, …) take. */
const COMPAT_EXTRA = ['top_k', 'min_p', 'top_a', 'repetition_penalty'] as const;

export interface OpenAIRequestOptions {
  /** Also forward top_k, min_p, repetition_penalty… (non-OpenAI servers). */
  compatExtras: boolean;
  /** Send the token limit as max_tokens (older servers) instead of max_completion_tokens. */
  legacyMaxTokens: boolean;
}

export function buildOpenAIBody(req: CanonicalRequest, ctx: AdapterContext, opts: OpenAIRequestOptions): Record<string, unknown> {
  const src = req.body as Record<string, unknown>;
  const body: Record<string, unknown> = { model: ctx.endpoint.model, messages: mapMessages(req.messages) };
  for (const k of PASS_THROUGH) if (src[k] != null) body[k] = src[k];
  if (opts.compatExtras) for (const k of COMPAT_EXTRA) if (src[k] != null) body[k] = src[k];
  if (req.maxTokens !== undefined) body[opts.legacyMaxTokens ? 'max_tokens' : 'max_completion_tokens'] = req.maxTokens;
  if (req.stop !== undefined) body.stop = req.stop;
  if (req.tools !== undefined) body.tools = req.tools.some((t) => t.cache_control !== undefined) ? req.tools.map(stripToolCache) : req.tools;
  if (src.tool_choice !== undefined) body.tool_choice = src.tool_choice;
  const effort = reasoningEffort(req.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (req.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

export function buildOpenAIRequest(req: CanonicalRequest, ctx: AdapterContext, opts: OpenAIRequestOptions): UpstreamRequest {
  return chatCompletionsRequest(buildOpenAIBody(req, ctx, opts), ctx, req);
}

/**
 * A Chat Completions body → the HTTP request: `{base_url}/chat/completions`, Bearer key, provider
 * headers. Members forwarded unchanged (messages, tools) keep the client's own text (raw-json.ts).
 */
export function chatCompletionsRequest(body: Record<string, unknown>, ctx: AdapterContext, req?: CanonicalRequest): UpstreamRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...ctx.provider.headers };
  if (ctx.provider.api_key) headers.authorization = `Bearer ${ctx.provider.api_key}`;
  return { method: 'POST', url: `${ctx.provider.base_url}/chat/completions`, headers, body: stringifyWithRaw(body, req?.raw) };
}

/** OpenRouter reasoning → OpenAI reasoning_effort (OpenAI takes no token budget). */
export function reasoningEffort(r: NormalizedReasoning | undefined): string | undefined {
  if (r === undefined) return undefined;
  if (!r.enabled) return r.effort === 'none' ? 'none' : undefined;
  if (r.effort !== undefined) return r.effort === 'max' ? 'xhigh' : r.effort;
  if (r.maxTokens !== undefined) return r.maxTokens >= 16000 ? 'high' : r.maxTokens >= 4000 ? 'medium' : 'low';
  return 'medium';
}

/**
 * Messages go through as they are, except for OpenRouter-only fields OpenAI rejects
 * (reasoning, reasoning_details, cache_control): only messages that carry one are copied.
 */
function mapMessages(messages: Message[]): Message[] {
  let out: Message[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const cleaned = cleanMessage(m);
    if (cleaned !== m) {
      out ??= messages.slice(0, i);
    }
    if (out !== undefined) out.push(cleaned);
  }
  return out ?? messages;
}

function cleanMessage(m: Message): Message {
  const a = m as Record<string, unknown>;
  const hasExtra = a.reasoning !== undefined || a.reasoning_details !== undefined || a.reasoning_content !== undefined || a.cache_control !== undefined;
  const content = Array.isArray(m.content) ? cleanParts(m.content as ContentPart[]) : m.content;
  if (!hasExtra && content === m.content) return m;
  const { reasoning: _r, reasoning_details: _d, reasoning_content: _c, cache_control: _cc, ...rest } = a;
  return { ...rest, content } as Message;
}

function cleanParts(parts: ContentPart[]): ContentPart[] {
  if (!parts.some((p) => (p as { cache_control?: unknown }).cache_control !== undefined)) return parts;
  return parts.map((p) => {
    if ((p as { cache_control?: unknown }).cache_control === undefined) return p;
    const { cache_control: _cc, ...rest } = p as ContentPart & { cache_control?: unknown };
    return rest as ContentPart;
  });
}

function stripToolCache<T extends { cache_control?: unknown }>(tool: T): T {
  if (tool.cache_control === undefined) return tool;
  const { cache_control: _cc, ...rest } = tool;
  return rest as T;
}
