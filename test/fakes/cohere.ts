/**
 * A fake Cohere v2 chat server (`POST /v2/chat`): validates requests as Cohere does (unknown
 * fields, roles and their fields, tool_choice REQUIRED/NONE only, tool results answering earlier
 * tool calls, document data objects, tool_plan only beside tool_calls) and answers with v2 JSON
 * or its typed SSE events (message-start … message-end).
 */
import { FakeServer, sseEvent, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';

const FIELDS = new Set([
  'model', 'messages', 'tools', 'strict_tools', 'documents', 'citation_options', 'response_format', 'safety_mode', 'max_tokens', 'stop_sequences',
  'temperature', 'seed', 'frequency_penalty', 'presence_penalty', 'k', 'p', 'logprobs', 'tool_choice', 'thinking', 'priority', 'stream',
]);
const ROLE_FIELDS: Record<string, string[]> = {
  system: ['role', 'content'],
  user: ['role', 'content'],
  assistant: ['role', 'content', 'tool_plan', 'tool_calls', 'citations'],
  tool: ['role', 'tool_call_id', 'content'],
};

export function cohereError(status: number, message: string): Reply {
  return { kind: 'json', status, body: { id: 'b6e5c0de-0000-4000-8000-0000000000aa', message } };
}

const bad = (message: string) => cohereError(400, `invalid request: ${message}`);
const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function validateCohereRequest(req: RecordedRequest): Reply | undefined {
  if (req.method !== 'POST' || req.path !== '/v2/chat') return cohereError(404, `Path ${req.path} not found`);
  if (req.headers.authorization !== 'Bearer cohere-test-key') return cohereError(401, 'invalid api token');
  const b = req.body;
  if (!isObj(b)) return bad('request body must be a JSON object');
  for (const k of Object.keys(b)) if (!FIELDS.has(k)) return bad(`json: unknown field "${k}"`);
  if (typeof b.model !== 'string' || b.model === '') return bad('model must be specified');
  if (!Array.isArray(b.messages) || b.messages.length === 0) return bad('messages must not be empty');
  if (b.tool_choice !== undefined && b.tool_choice !== 'REQUIRED' && b.tool_choice !== 'NONE') return bad(`tool_choice must be one of REQUIRED, NONE; received "${b.tool_choice}"`);
  if (b.tool_choice !== undefined && !(Array.isArray(b.tools) && b.tools.length > 0)) return bad('tool_choice requires tools');
  for (const t of b.tools ?? []) {
    if (t.type !== 'function' || typeof t.function?.name !== 'string' || !isObj(t.function.parameters)) return bad('each tool needs type "function", a name and parameters');
  }
  const calls = new Set<string>();
  for (let i = 0; i < b.messages.length; i++) {
    const m = b.messages[i];
    const allowed = ROLE_FIELDS[m?.role];
    if (allowed === undefined) return bad(`messages[${i}].role: unknown role "${m?.role}"`);
    for (const k of Object.keys(m)) if (!allowed.includes(k)) return bad(`json: unknown field "${k}" in messages[${i}]`);
    if (m.role === 'assistant') {
      if (m.tool_plan !== undefined && !(Array.isArray(m.tool_calls) && m.tool_calls.length > 0)) return bad(`messages[${i}]: tool_plan is only allowed with tool_calls`);
      if (m.content === undefined && m.tool_calls === undefined) return bad(`messages[${i}]: assistant message must have content or tool_calls`);
      for (const tc of m.tool_calls ?? []) {
        if (typeof tc.id !== 'string' || tc.type !== 'function' || typeof tc.function?.arguments !== 'string') return bad(`messages[${i}].tool_calls: id, type "function" and string arguments are required`);
        calls.add(tc.id);
      }
    }
    if (m.role === 'tool') {
      if (!calls.has(m.tool_call_id)) return bad(`messages[${i}]: tool_call_id "${m.tool_call_id}" does not match any tool call`);
      if (typeof m.content !== 'string') {
        if (!Array.isArray(m.content) || m.content.length === 0) return bad(`messages[${i}].content must not be empty`);
        for (const c of m.content) {
          if (c.type === 'document' ? !isObj(c.document?.data) : c.type !== 'text') return bad(`messages[${i}].content: documents need an object "data"`);
        }
      }
    }
  }
  return undefined;
}

export function startFakeCohere(opts: FakeServerOptions = {}): Promise<FakeServer> {
  return new FakeServer({ validate: validateCohereRequest, ...opts }).start();
}

export interface CohereAnswer {
  text?: string;
  thinking?: string;
  toolPlan?: string;
  toolCalls?: { id: string; name: string; arguments: string; fragments?: string[] }[];
  finish?: string;
  usage?: { prompt: number; completion: number; cached?: number };
  /** message-end carries this error instead of a normal end. */
  error?: string;
}

const usageOf = (a: CohereAnswer) => {
  const u = a.usage ?? { prompt: 12, completion: 9 };
  return { billed_units: { input_tokens: u.prompt - 2, output_tokens: u.completion }, tokens: { input_tokens: u.prompt, output_tokens: u.completion }, ...(u.cached ? { cached_tokens: u.cached } : {}) };
};
const finishOf = (a: CohereAnswer) => a.finish ?? (a.toolCalls?.length ? 'TOOL_CALL' : 'COMPLETE');
let seq = 0;

export function cohereResponse(a: CohereAnswer): Reply {
  const content: unknown[] = [];
  if (a.thinking) content.push({ type: 'thinking', thinking: a.thinking });
  if (a.text !== undefined) content.push({ type: 'text', text: a.text });
  const message: Record<string, unknown> = { role: 'assistant', content };
  if (a.toolPlan) message.tool_plan = a.toolPlan;
  if (a.toolCalls) message.tool_calls = a.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return { kind: 'json', body: { id: `c0e${++seq}`, finish_reason: finishOf(a), message, usage: usageOf(a) } };
}

const pieces = (s: string, n = 9) => s.match(new RegExp(`.{1,${n}}`, 'gsu')) ?? [];

/** Cohere v2 SSE events for an answer (`event: <type>` + `data: {"type": …}`). */
export function cohereStreamFrames(a: CohereAnswer): string[] {
  const ev = (type: string, body: Record<string, unknown> = {}) => sseEvent(type, { type, ...body });
  const frames = [ev('message-start', { id: `c0e${++seq}`, delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } })];
  let index = 0;
  if (a.thinking) {
    frames.push(ev('content-start', { index, delta: { message: { content: { type: 'thinking', thinking: '' } } } }));
    for (const t of pieces(a.thinking)) frames.push(ev('content-delta', { index, delta: { message: { content: { thinking: t } } } }));
    frames.push(ev('content-end', { index: index++ }));
  }
  if (a.toolPlan) for (const t of pieces(a.toolPlan)) frames.push(ev('tool-plan-delta', { delta: { message: { tool_plan: t } } }));
  if (a.text !== undefined) {
    frames.push(ev('content-start', { index, delta: { message: { content: { type: 'text', text: '' } } } }));
    for (const t of pieces(a.text)) frames.push(ev('content-delta', { index, delta: { message: { content: { text: t } } } }));
    frames.push(ev('content-end', { index }));
  }
  (a.toolCalls ?? []).forEach((c, i) => {
    frames.push(ev('tool-call-start', { index: i, delta: { message: { tool_calls: { id: c.id, type: 'function', function: { name: c.name, arguments: '' } } } } }));
    for (const f of c.fragments ?? [c.arguments]) frames.push(ev('tool-call-delta', { index: i, delta: { message: { tool_calls: { function: { arguments: f } } } } }));
    frames.push(ev('tool-call-end', { index: i }));
  });
  frames.push(ev('message-end', { delta: a.error ? { error: a.error } : { finish_reason: finishOf(a), usage: usageOf(a) } }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

export function cohereStream(frames: string[], fragment?: Fragmenting): Reply {
  return { kind: 'stream', frames, fragment };
}
