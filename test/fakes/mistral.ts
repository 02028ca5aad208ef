/**
 * A fake Mistral chat completions server: validates requests as La Plateforme does (unknown
 * fields are 422 extra_forbidden, tool-call ids must be exactly 9 alphanumerics, tool messages
 * must answer the preceding assistant tool_calls, tool_choice values, the last role) and answers
 * with Mistral JSON / SSE (tool calls whole in one delta by default, usage on the last chunk).
 */
import { FakeServer, sse, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';

const FIELDS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed', 'metadata', 'response_format', 'tools',
  'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction', 'parallel_tool_calls', 'reasoning_effort', 'prompt_mode',
  'guardrails', 'prompt_cache_key', 'service_tier', 'safe_prompt',
]);
const MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};
const CHOICES = new Set(['auto', 'none', 'any', 'required']);
const VALID_ID = /^[a-zA-Z0-9]{9}$/;

export function mistralError(status: number, message: string, type = 'invalid_request_error', code: string | null = null): Reply {
  if (status === 401) return { kind: 'json', status, body: { message, request_id: 'c0ffee00c0ffee00' } };
  if (status === 429) return { kind: 'json', status, body: { object: 'error', message, type: 'rate_limited', param: null, code: '1300' } };
  return { kind: 'json', status, body: { object: 'error', message, type, param: null, code } };
}

const extra = (loc: (string | number)[], input: unknown): Reply => ({
  kind: 'json',
  status: 422,
  body: { object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', ...loc], msg: 'Extra inputs are not permitted', input }] }, type: 'invalid_request_error', param: null, code: null },
});

const badId = (id: unknown) => mistralError(400, `Tool call id was ${String(id)} but must be a-z, A-Z, 0-9, with a length of 9.`, 'invalid_function_call', '3280');

export function validateMistralRequest(req: RecordedRequest): Reply | undefined {
  if (req.method !== 'POST' || !req.path.endsWith('/chat/completions')) return { kind: 'json', status: 404, body: { detail: 'Not Found' } };
  if (req.headers.authorization !== 'Bearer mistral-test-key') return mistralError(401, 'Unauthorized');
  const b = req.body;
  if (b === undefined) return { kind: 'json', status: 422, body: { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] } };
  for (const k of Object.keys(b)) if (!FIELDS.has(k)) return extra([k], b[k]);
  if (typeof b.model !== 'string') return extra(['model'], b.model);
  if (!Array.isArray(b.messages) || b.messages.length === 0) return mistralError(400, 'Messages must not be empty');
  if (b.tool_choice !== undefined && !(CHOICES.has(b.tool_choice) || (b.tool_choice?.type === 'function' && typeof b.tool_choice.function?.name === 'string')))
    return mistralError(422, `Invalid tool_choice ${JSON.stringify(b.tool_choice)}`);
  if (b.tool_choice?.function?.name !== undefined && !(b.tools ?? []).some((t: any) => t.function?.name === b.tool_choice.function.name))
    return mistralError(400, `Tool choice ${b.tool_choice.function.name} not found in tools`);
  for (const t of b.tools ?? []) {
    if (t.type !== 'function' || typeof t.function?.name !== 'string') return mistralError(422, 'Invalid tool');
    for (const k of Object.keys(t.function)) if (!['name', 'description', 'parameters', 'strict'].includes(k)) return extra(['tools', 0, 'function', k], t.function[k]);
  }
  let open: string[] = [];
  for (let i = 0; i < b.messages.length; i++) {
    const m = b.messages[i];
    const allowed = MESSAGE_FIELDS[m.role];
    if (allowed === undefined) return mistralError(422, `Input tag '${m.role}' found using 'role' does not match any of the expected tags`);
    for (const k of Object.keys(m)) if (!allowed.has(k)) return extra(['messages', i, m.role, k], m[k]);
    if (m.role === 'tool') {
      if (!VALID_ID.test(m.tool_call_id)) return badId(m.tool_call_id);
      if (!open.includes(m.tool_call_id)) return mistralError(400, `Unexpected tool call id ${m.tool_call_id} in tool results`, 'invalid_request_message_order', '3230');
      open = open.filter((x) => x !== m.tool_call_id);
      continue;
    }
    if (open.length > 0) return mistralError(400, `Not the same number of function calls and responses`, 'invalid_request_message_order', '3230');
    if (m.role === 'assistant') {
      for (const tc of m.tool_calls ?? []) {
        if (!VALID_ID.test(tc.id)) return badId(tc.id);
        if (typeof tc.function?.arguments !== 'string' && typeof tc.function?.arguments !== 'object') return mistralError(422, 'Invalid function arguments');
        open.push(tc.id);
      }
    }
  }
  const last = b.messages[b.messages.length - 1];
  if (last.role === 'assistant' && last.prefix !== true) return mistralError(400, 'Expected last role User or Tool (or Assistant with prefix True) for serving but got assistant', 'invalid_request_message_order', '3230');
  return undefined;
}

export function startFakeMistral(opts: FakeServerOptions = {}): Promise<FakeServer> {
  return new FakeServer({ validate: validateMistralRequest, ...opts }).start();
}

export interface MistralAnswer {
  text?: string;
  thinking?: { text: string; signature?: string };
  toolCalls?: { id: string; name: string; arguments: string | Record<string, unknown>; fragments?: string[] }[];
  finish?: string;
  usage?: { prompt: number; completion: number };
}

let seq = 0;
const usageOf = (a: MistralAnswer) => {
  const u = a.usage ?? { prompt: 12, completion: 9 };
  return { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion };
};
const finishOf = (a: MistralAnswer) => a.finish ?? (a.toolCalls?.length ? 'tool_calls' : 'stop');
const thinkChunk = (t: { text: string; signature?: string }) => ({ type: 'thinking', thinking: [{ type: 'text', text: t.text }], ...(t.signature ? { signature: t.signature } : {}) });

export function mistralCompletion(a: MistralAnswer): Reply {
  const content = a.thinking ? [thinkChunk(a.thinking), ...(a.text ? [{ type: 'text', text: a.text }] : [])] : a.text ?? '';
  const message: Record<string, unknown> = { role: 'assistant', content, prefix: false };
  if (a.toolCalls) message.tool_calls = a.toolCalls.map((c, index) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments }, index }));
  return {
    kind: 'json',
    body: { id: `cmpl-${++seq}`, object: 'chat.completion', model: 'mistral-large-2411', created: 1733000000, usage: usageOf(a), choices: [{ index: 0, message, finish_reason: finishOf(a) }] },
  };
}

/** Mistral SSE: role chunk, thinking chunk(s), text pieces, tool calls (whole, or in `fragments`), finish + usage, [DONE]. */
export function mistralStreamFrames(a: MistralAnswer): string[] {
  const base = { id: `cmpl-${++seq}`, object: 'chat.completion.chunk', created: 1733000000, model: 'mistral-large-2411' };
  const chunk = (delta: unknown, finish: string | null = null, extraFields: Record<string, unknown> = {}) => sse({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...extraFields });
  const frames = [chunk({ role: 'assistant', content: '' })];
  if (a.thinking) {
    const words = a.thinking.text.match(/.{1,12}/gs) ?? [];
    words.forEach((w, i) => frames.push(chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: w }], ...(i === words.length - 1 && a.thinking!.signature ? { signature: a.thinking!.signature } : {}) }] })));
  }
  for (const t of a.text?.match(/.{1,10}/gs) ?? []) frames.push(chunk({ content: a.thinking ? [{ type: 'text', text: t }] : t }));
  (a.toolCalls ?? []).forEach((c, index) => {
    if (c.fragments === undefined) frames.push(chunk({ tool_calls: [{ id: c.id, function: { name: c.name, arguments: c.arguments }, index }] }));
    else {
      frames.push(chunk({ tool_calls: [{ id: c.id, function: { name: c.name, arguments: '' }, index }] }));
      for (const f of c.fragments) frames.push(chunk({ tool_calls: [{ function: { name: '', arguments: f }, index }] }));
    }
  });
  frames.push(chunk({ content: '' }, finishOf(a), { usage: usageOf(a) }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

export function mistralStream(frames: string[], fragment?: Fragmenting): Reply {
  return { kind: 'stream', frames, fragment };
}
