/**
 * A fake OpenAI Chat Completions server: validates requests as the real API does (the checks
 * that matter for tool calling) and answers with exact OpenAI JSON / SSE bytes.
 */
import { FakeServer, sse, type FakeServerOptions, type RecordedRequest, type Reply } from './harness.js';

export interface FakeToolCall {
  id: string;
  name: string;
  arguments: string;
}

const err = (status: number, message: string, type = 'invalid_request_error', code: string | null = null): Reply => ({
  kind: 'json',
  status,
  body: { error: { message, type, param: null, code } },
});

/** What api.openai.com rejects that a translating gateway could get wrong. */
export function validateOpenAIRequest(req: RecordedRequest): Reply | undefined {
  if (req.method !== 'POST' || !req.path.endsWith('/chat/completions')) return err(404, `Invalid URL (${req.method} ${req.path})`);
  const b = req.body;
  if (b === undefined) return err(400, 'We could not parse the JSON body of your request.');
  if (typeof b.model !== 'string') return err(400, "you must provide a model parameter");
  if (!Array.isArray(b.messages) || b.messages.length === 0) return err(400, "'messages' must contain at least one message");
  for (const k of ['provider', 'models', 'plugins', 'transforms', 'route', 'reasoning', 'usage', 'include_reasoning']) {
    if (k in b) return err(400, `Unrecognized request argument supplied: ${k}`);
  }
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools) || b.tools.length === 0) return err(400, "Invalid 'tools': empty array. Expected an array with minimum length 1");
    for (const t of b.tools) {
      if (t.type !== 'function' || typeof t.function?.name !== 'string') return err(400, "Invalid 'tools': each tool needs type 'function' and a name");
      if ('cache_control' in t) return err(400, "Unrecognized request argument: tools[].cache_control");
    }
  }
  if (b.parallel_tool_calls !== undefined && b.tools === undefined) return err(400, "Invalid value for 'parallel_tool_calls': only allowed when 'tools' are specified.");
  const open = new Set<string>();
  for (let i = 0; i < b.messages.length; i++) {
    const m = b.messages[i];
    if ('reasoning_details' in m || 'reasoning' in m) return err(400, `Additional properties are not allowed ('reasoning_details' was unexpected) - 'messages.${i}'`);
    if (m.role === 'tool') {
      if (!open.has(m.tool_call_id)) return err(400, `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`);
      open.delete(m.tool_call_id);
    } else if (open.size > 0) {
      return err(400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`);
    }
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) for (const tc of m.tool_calls) open.add(tc.id);
  }
  if (b.stream === true && b.stream_options?.include_usage !== true) return undefined;
  return undefined;
}

export function startFakeOpenAI(opts: FakeServerOptions = {}): Promise<FakeServer> {
  return new FakeServer({ validate: validateOpenAIRequest, ...opts }).start();
}

let seq = 0;
const usage = (p = 12, c = 9) => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });

export function completion(message: { content?: string | null; tool_calls?: FakeToolCall[] }, finish?: string, u = usage()): Reply {
  const tc = message.tool_calls?.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return {
    kind: 'json',
    body: {
      id: `chatcmpl-${++seq}`,
      object: 'chat.completion',
      created: 1733000000,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: message.content ?? null, refusal: null, ...(tc ? { tool_calls: tc } : {}) }, logprobs: null, finish_reason: finish ?? (tc ? 'tool_calls' : 'stop') }],
      usage: u,
      system_fingerprint: 'fp_1',
    },
  };
}

/** Frames of an OpenAI stream: role, text pieces, tool calls (id+name first, then argument pieces), finish, usage, [DONE]. */
export function streamFrames(opts: { text?: string[]; toolCalls?: { id: string; name: string; args: string[] }[]; finish?: string; usage?: ReturnType<typeof usage> | null }): string[] {
  const id = `chatcmpl-${++seq}`;
  const base = { id, object: 'chat.completion.chunk', created: 1733000000, model: 'gpt-4o-mini', system_fingerprint: 'fp_1' };
  const chunk = (delta: unknown, finish: string | null = null) => sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const frames = [chunk({ role: 'assistant', content: opts.toolCalls ? null : '', refusal: null })];
  for (const t of opts.text ?? []) frames.push(chunk({ content: t }));
  (opts.toolCalls ?? []).forEach((tc, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.name, arguments: '' } }] }));
    for (const a of tc.args) frames.push(chunk({ tool_calls: [{ index, function: { arguments: a } }] }));
  });
  frames.push(chunk({}, opts.finish ?? (opts.toolCalls ? 'tool_calls' : 'stop')));
  if (opts.usage !== null) frames.push(sse({ ...base, choices: [], usage: opts.usage ?? usage() }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

export function stream(frames: string[], extra: Partial<Extract<Reply, { kind: 'stream' }>> = {}): Reply {
  return { kind: 'stream', frames, ...extra };
}

export { usage as openaiUsage };
