/**
 * Canonical request → `POST {base_url}/v1/messages` (pure). Messages, tools and thinking have
 * their own files; this one assembles the body, maps the sampling parameters to Anthropic's
 * names and rules, and sets the headers (`x-api-key`, `anthropic-version`, and the
 * interleaved-thinking beta when thinking meets tools).
 *
 * Sampling: temperature is clamped to Anthropic's 0–1 range. While thinking, Anthropic accepts
 * temperature only at 1, no top_k and top_p only from 0.95: those are left out rather than
 * forwarded into a provider 400.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import { badRequest } from '../../schema/errors.js';
import { stringMemberTexts } from '../shared/raw-strings.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { convertMessages } from './messages.js';
import { planTokens, thinkingConflict, wantsThinking } from './thinking.js';
import { mapTools, toolsJson } from './tools.js';
import type { MessagesRequest } from './types.js';
import { bodyJson, type ClientTexts } from './wire.js';

/**
 * The API version this mapping is written against (temperature/top_p/top_k, top-level `system`).
 * `@anthropic-ai/sdk` 1.x sends 2026-10-21, whose types no longer list the sampling parameters;
 * a provider may opt into another version with `anthropic_version:` in its config.
 */
export const ANTHROPIC_VERSION = '2023-06-01';

export function buildAnthropicBody(req: CanonicalRequest, ctx: AdapterContext): MessagesRequest {
  return assembleBody(req, ctx, undefined).body;
}

/** The body, and with the messages' content texts the client values its blocks carry unchanged (wire.ts). */
function assembleBody(req: CanonicalRequest, ctx: AdapterContext, contentTexts: readonly (string | undefined)[] | undefined): { body: MessagesRequest; texts?: ClientTexts } {
  const think = wantsThinking(req.reasoning) && thinkingConflict(req.messages) === undefined;
  const plan = planTokens(req.reasoning, req.maxTokens, ctx.endpoint, think);
  const { system, messages, texts } = convertMessages(req.messages, { thinking: think, contentTexts });
  if (messages.length === 0) throw badRequest('messages: Anthropic needs at least one user or assistant message besides the system prompt');

  const body: MessagesRequest = { model: ctx.endpoint.model, max_tokens: plan.maxTokens, messages };
  if (system !== undefined) body.system = system;
  const src = req.body;
  if (typeof src.temperature === 'number' && (!think || src.temperature >= 1)) body.temperature = Math.min(1, Math.max(0, src.temperature));
  if (typeof src.top_p === 'number' && (!think || src.top_p >= 0.95)) body.top_p = src.top_p;
  if (typeof src.top_k === 'number' && !think) body.top_k = src.top_k;
  if (req.stop !== undefined && req.stop.length > 0) body.stop_sequences = stopSequences(req.stop);
  const { tools, tool_choice } = mapTools(req, think);
  if (tools !== undefined) body.tools = tools;
  if (tool_choice !== undefined) body.tool_choice = tool_choice;
  if (plan.thinking !== undefined) body.thinking = plan.thinking;
  if (typeof src.user === 'string' && src.user !== '') body.metadata = { user_id: src.user };
  if (req.stream) body.stream = true;
  return { body, texts };
}

/** The JSON text of each message's string content, read from the request's own text; undefined without it. */
function contentTextsOf(req: CanonicalRequest): (string | undefined)[] | undefined {
  const raw = req.raw?.of(req.messages);
  if (raw === undefined) return undefined;
  const texts = stringMemberTexts(raw, 'content');
  return texts !== undefined && texts.length === req.messages.length ? texts : undefined;
}

export function buildAnthropicRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest {
  const p = ctx.provider;
  const { body, texts } = assembleBody(req, ctx, contentTextsOf(req));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': typeof p.anthropic_version === 'string' ? p.anthropic_version : ANTHROPIC_VERSION,
    ...p.headers,
  };
  if (p.api_key) headers['x-api-key'] = p.api_key;
  if (req.stream) headers.accept = 'text/event-stream';
  if (body.thinking !== undefined && body.tools !== undefined && p.interleaved_thinking !== false) addBeta(headers, INTERLEAVED_THINKING_BETA);
  const json = bodyJson(body, texts, body.tools === undefined ? undefined : toolsJson(req, body.tools));
  return { method: 'POST', url: `${p.base_url}/v1/messages`, headers, body: json };
}

/**
 * Thinking between tool calls (the seed's "Interleaved Thinking") needs this beta on the Claude 4
 * generation; newer models think between tools without it and accept it. Off with
 * `interleaved_thinking: false` in the provider config.
 */
export const INTERLEAVED_THINKING_BETA = 'interleaved-thinking-2025-05-14';

/** Adds a value to the comma-separated anthropic-beta header, whatever case the config wrote it in. */
function addBeta(headers: Record<string, string>, beta: string): void {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'anthropic-beta') ?? 'anthropic-beta';
  const current = headers[key];
  if (current === undefined || current.trim() === '') headers[key] = beta;
  else if (!current.split(',').some((b) => b.trim() === beta)) headers[key] = `${current},${beta}`;
}

function stopSequences(stop: string[]): string[] {
  for (const s of stop) {
    if (s.trim() === '') throw badRequest(`stop: Anthropic does not accept empty or whitespace-only stop sequences (got ${JSON.stringify(s)})`);
  }
  return stop;
}
