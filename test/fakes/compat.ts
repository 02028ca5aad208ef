/**
 * Fakes of the OpenAI-compatible hosts behind the presets (Groq, Together, Fireworks, DeepSeek,
 * xAI, OpenRouter, vLLM, llama.cpp): the Chat Completions wire, each host's own request checks
 * (the ones a translating gateway can get wrong), and replies in each host's dialect: reasoning
 * as `reasoning_content` or `reasoning` (+ OpenRouter's `reasoning_details`).
 */
import { FakeServer, sse, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';

export type Host = 'groq' | 'together' | 'fireworks' | 'deepseek' | 'xai' | 'openrouter' | 'vllm' | 'llamacpp';

/** Where each host puts reasoning text in answers. */
export const REASONING_FIELD: Record<Host, 'reasoning' | 'reasoning_content'> = {
  groq: 'reasoning', together: 'reasoning', fireworks: 'reasoning_content', deepseek: 'reasoning_content', xai: 'reasoning_content',
  openrouter: 'reasoning', vllm: 'reasoning', llamacpp: 'reasoning_content',
};

export const compatError = (status: number, message: string, code: string | null = null, extra: Record<string, unknown> = {}): Reply => ({
  kind: 'json',
  status,
  body: { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', param: null, code, ...extra } },
});

/** OpenRouter-only request fields no other host knows. */
const GATEWAY_ONLY = ['provider', 'models', 'plugins', 'transforms', 'route', 'usage', 'reasoning'];

/** Checks common to the Chat Completions hosts: the body, tools, and tool-result pairing. */
function validateChat(req: RecordedRequest): Reply | undefined {
  if (req.method !== 'POST' || !req.path.endsWith('/chat/completions')) return compatError(404, `Unknown request URL: ${req.method} ${req.path}`);
  const b = req.body;
  if (b === undefined) return compatError(400, 'invalid JSON body');
  if (typeof b.model !== 'string') return compatError(400, 'model is required');
  if (!Array.isArray(b.messages) || b.messages.length === 0) return compatError(400, 'messages must be a non-empty array');
  if (b.tools !== undefined && (!Array.isArray(b.tools) || b.tools.length === 0 || b.tools.some((t: any) => t.type !== 'function' || typeof t.function?.name !== 'string')))
    return compatError(400, "'tools' must be a non-empty list of function tools");
  const open = new Set<string>();
  for (const m of b.messages) {
    if (m.role === 'tool') {
      if (!open.has(m.tool_call_id)) return compatError(400, `tool message answers unknown tool_call_id ${m.tool_call_id}`);
      open.delete(m.tool_call_id);
    } else if (open.size > 0) return compatError(400, `tool_call_ids without a response: ${[...open].join(', ')}`);
    if (m.role === 'assistant') for (const tc of m.tool_calls ?? []) {
      if (typeof tc.function?.arguments !== 'string') return compatError(400, 'tool_calls[].function.arguments must be a string');
      open.add(tc.id);
    }
  }
  return undefined;
}

/** Per-host rules on top of the common ones. */
const HOST_RULES: Record<Host, (b: any) => Reply | undefined> = {
  groq: (b) => {
    for (const k of ['logprobs', 'logit_bias', 'top_logprobs', ...GATEWAY_ONLY]) if (k in b) return compatError(400, `property '${k}' is unsupported`);
    if (b.n !== undefined && b.n !== 1) return compatError(400, "'n' : number must be at most 1");
    for (const m of b.messages) for (const k of ['reasoning_details', 'reasoning_content', 'reasoning']) if (k in m) return compatError(400, `'messages.${b.messages.indexOf(m)}' : property '${k}' is unsupported`);
    if (b.reasoning_effort !== undefined && !['none', 'default', 'low', 'medium', 'high'].includes(b.reasoning_effort)) return compatError(400, "'reasoning_effort' must be one of none, default, low, medium, high");
    return undefined;
  },
  together: (b) => rejectKeys(b, GATEWAY_ONLY),
  fireworks: (b) => rejectKeys(b, GATEWAY_ONLY),
  deepseek: (b) => {
    const bad = rejectKeys(b, [...GATEWAY_ONLY, 'reasoning_effort', 'max_completion_tokens']);
    if (bad) return bad;
    if (b.thinking !== undefined && !['enabled', 'disabled'].includes(b.thinking?.type)) return compatError(422, 'thinking.type must be "enabled" or "disabled"');
    const thinking = b.thinking?.type === 'enabled' || b.model === 'deepseek-reasoner';
    if (!thinking) return undefined;
    // thinking mode + tools: the current turn's assistant tool-call messages must carry reasoning_content back
    const lastUser = b.messages.map((m: any) => m.role).lastIndexOf('user');
    for (let i = lastUser + 1; i < b.messages.length; i++) {
      const m = b.messages[i];
      if (m.role === 'assistant' && m.tool_calls?.length && typeof m.reasoning_content !== 'string')
        return compatError(400, `Missing \`reasoning_content\` field in the assistant message at message index ${i}`);
    }
    return undefined;
  },
  xai: (b) => {
    const bad = rejectKeys(b, GATEWAY_ONLY);
    if (bad) return bad;
    if (b.reasoning_effort !== undefined && !['low', 'high'].includes(b.reasoning_effort)) return compatError(400, `Argument not supported: reasoning_effort "${b.reasoning_effort}" (expected low or high)`);
    return undefined;
  },
  openrouter: (b) => {
    if (b.reasoning !== undefined && (typeof b.reasoning !== 'object' || b.reasoning === null)) return compatError(400, 'reasoning must be an object');
    if (b.reasoning?.effort !== undefined && b.reasoning?.max_tokens !== undefined) return compatError(400, 'reasoning: only one of effort and max_tokens');
    return undefined;
  },
  vllm: (b) => rejectKeys(b, GATEWAY_ONLY),
  llamacpp: (b) => rejectKeys(b, GATEWAY_ONLY),
};

function rejectKeys(b: any, keys: string[]): Reply | undefined {
  for (const k of keys) if (k in b) return compatError(400, `Unrecognized request argument supplied: ${k}`);
  return undefined;
}

export function validateHost(host: Host, opts: { autoToolChoice?: boolean } = {}) {
  return (req: RecordedRequest): Reply | undefined => {
    const common = validateChat(req);
    if (common) return common;
    if (host === 'vllm' && opts.autoToolChoice === false && req.body.tools !== undefined && (req.body.tool_choice ?? 'auto') === 'auto')
      return compatError(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    return HOST_RULES[host](req.body);
  };
}

export function startFakeHost(host: Host, opts: FakeServerOptions & { autoToolChoice?: boolean } = {}): Promise<FakeServer> {
  return new FakeServer({ validate: validateHost(host, opts), ...opts }).start();
}

export interface CompatCall {
  id: string;
  name: string;
  arguments: string;
  /** Stream pieces of the arguments. */
  fragments?: string[];
}

export interface CompatAnswer {
  content?: string;
  reasoning?: string;
  /** OpenRouter: reasoning_details as the upstream sends them. */
  reasoningDetails?: Record<string, unknown>[];
  toolCalls?: CompatCall[];
  finish?: string;
  usage?: { prompt: number; completion: number; cached?: number; cacheHit?: number };
}

let seq = 0;
const usageOf = (u: CompatAnswer['usage']) => {
  const p = u?.prompt ?? 12;
  const c = u?.completion ?? 9;
  const out: Record<string, unknown> = { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
  if (u?.cached !== undefined) out.prompt_tokens_details = { cached_tokens: u.cached };
  if (u?.cacheHit !== undefined) Object.assign(out, { prompt_cache_hit_tokens: u.cacheHit, prompt_cache_miss_tokens: p - u.cacheHit });
  return out;
};

export function hostCompletion(host: Host, a: CompatAnswer): Reply {
  const message: Record<string, unknown> = { role: 'assistant', content: a.content ?? (a.toolCalls ? null : '') };
  if (a.reasoning !== undefined) message[REASONING_FIELD[host]] = a.reasoning;
  if (a.reasoningDetails !== undefined) message.reasoning_details = a.reasoningDetails;
  if (a.toolCalls) message.tool_calls = a.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return {
    kind: 'json',
    body: {
      id: `cmpl-${host}-${++seq}`, object: 'chat.completion', created: 1764579600, model: `${host}-model`,
      choices: [{ index: 0, message, logprobs: null, finish_reason: a.finish ?? (a.toolCalls ? 'tool_calls' : 'stop') }],
      usage: usageOf(a.usage),
    },
  };
}

/** The host's SSE frames: reasoning pieces, text pieces, tool calls (id+name, then argument pieces), finish, usage, [DONE]. */
export function hostStream(host: Host, a: CompatAnswer & { text?: string[]; reasoningPieces?: string[] }, fragment?: Fragmenting): Reply {
  const base = { id: `cmpl-${host}-${++seq}`, object: 'chat.completion.chunk', created: 1764579600, model: `${host}-model` };
  const chunk = (delta: unknown, finish: string | null = null) => sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const frames = [chunk({ role: 'assistant', content: '' })];
  const rp = a.reasoningPieces ?? (a.reasoning !== undefined ? [a.reasoning] : []);
  rp.forEach((r, i) => {
    const delta: Record<string, unknown> = { content: null, [REASONING_FIELD[host]]: r };
    const d = a.reasoningDetails?.[i];
    if (d !== undefined) delta.reasoning_details = [d];
    frames.push(chunk(delta));
  });
  for (const t of a.text ?? (a.content !== undefined ? [a.content] : [])) frames.push(chunk({ content: t }));
  (a.toolCalls ?? []).forEach((tc, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }] }));
    for (const piece of tc.fragments ?? [tc.arguments]) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  frames.push(chunk({}, a.finish ?? (a.toolCalls ? 'tool_calls' : 'stop')));
  frames.push(sse({ ...base, choices: [], usage: usageOf(a.usage) }));
  frames.push('data: [DONE]\n\n');
  return { kind: 'stream', frames, fragment };
}
