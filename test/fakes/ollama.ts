/**
 * A fake Ollama server (`POST /api/chat`, native API): validates requests the way Ollama's Go
 * server decodes them (content must be a string, tool-call arguments an object, think a bool or
 * a level, sampling parameters under `options`) and answers with exact Ollama JSON or NDJSON.
 * It is stricter than Ollama in one way: fields Ollama would silently ignore at the top level
 * (max_tokens, temperature, tool_choice, …) are rejected, so a translation mistake cannot hide.
 */
import { FakeServer, type FakeServerOptions, type Fragmenting, type RecordedRequest, type Reply } from './harness.js';

export interface OllamaFakeCall {
  name: string;
  arguments: Record<string, unknown>;
}

export const ollamaError = (status: number, message: string): Reply => ({ kind: 'json', status, body: { error: message } });

const OPENAI_ONLY = ['max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'seed', 'stop', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'reasoning_effort', 'response_format', 'stream_options', 'frequency_penalty', 'presence_penalty'];
const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function validateOllamaRequest(req: RecordedRequest): Reply | undefined {
  if (req.method !== 'POST' || req.path !== '/api/chat') return { kind: 'raw', status: 404, body: '404 page not found' };
  const b = req.body;
  if (!isObj(b)) return ollamaError(400, 'invalid character looking for beginning of value');
  if (typeof b.model !== 'string' || b.model === '') return ollamaError(400, 'model is required');
  for (const k of OPENAI_ONLY) if (k in b) return ollamaError(400, `fake ollama: "${k}" is not an /api/chat field (Ollama would ignore it silently)`);
  if (b.stream !== undefined && typeof b.stream !== 'boolean') return ollamaError(400, 'json: cannot unmarshal into Go struct field ChatRequest.stream of type bool');
  if (b.think !== undefined && typeof b.think !== 'boolean' && !['low', 'medium', 'high'].includes(b.think as string))
    return ollamaError(400, `invalid think value: "${String(b.think)}" (must be "high", "medium", "low", true, or false)`);
  if (b.options !== undefined && !isObj(b.options)) return ollamaError(400, 'json: cannot unmarshal into Go struct field ChatRequest.options of type map[string]interface {}');
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools)) return ollamaError(400, 'json: cannot unmarshal into Go struct field ChatRequest.tools of type api.Tools');
    for (const t of b.tools) if (!isObj(t) || t.type !== 'function' || !isObj(t.function) || typeof t.function.name !== 'string') return ollamaError(400, 'invalid tool definition');
  }
  if (!Array.isArray(b.messages)) return ollamaError(400, 'json: cannot unmarshal into Go struct field ChatRequest.messages of type []api.Message');
  const called: string[] = [];
  for (const m of b.messages as unknown[]) {
    if (!isObj(m) || typeof m.role !== 'string') return ollamaError(400, 'invalid message');
    if (!ROLES.has(m.role)) return ollamaError(400, `invalid role: ${m.role}`);
    if (m.content !== undefined && typeof m.content !== 'string') return ollamaError(400, 'json: cannot unmarshal array into Go struct field Message.messages.content of type string');
    if (m.images !== undefined && !(Array.isArray(m.images) && m.images.every((x) => typeof x === 'string'))) return ollamaError(400, 'json: cannot unmarshal into Go struct field Message.messages.images of type api.ImageData');
    if (m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls)) return ollamaError(400, 'json: cannot unmarshal into Go struct field Message.messages.tool_calls');
      for (const tc of m.tool_calls) {
        if (!isObj(tc) || !isObj(tc.function) || typeof tc.function.name !== 'string') return ollamaError(400, 'invalid tool call');
        if (!isObj(tc.function.arguments))
          return ollamaError(400, `json: cannot unmarshal ${typeof tc.function.arguments} into Go struct field ToolCallFunction.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments`);
        called.push(tc.function.name);
      }
    }
    if (m.role === 'tool' && (typeof m.tool_name !== 'string' || !called.includes(m.tool_name)))
      return ollamaError(400, `fake ollama: tool message without the tool_name of an earlier call (got ${JSON.stringify(m.tool_name)})`);
  }
  return undefined;
}

export function startFakeOllama(opts: FakeServerOptions = {}): Promise<FakeServer> {
  return new FakeServer({ validate: validateOllamaRequest, ...opts }).start();
}

const CREATED = '2026-12-01T09:00:00.000000Z';

export interface OllamaAnswer {
  content?: string;
  thinking?: string;
  toolCalls?: OllamaFakeCall[];
  doneReason?: string;
  usage?: { prompt: number; completion: number };
}

const wireCalls = (calls: OllamaFakeCall[] | undefined) => calls?.map((c) => ({ function: { name: c.name, arguments: c.arguments } }));

/** A non-streaming `/api/chat` answer. */
export function ollamaChat(a: OllamaAnswer, model = 'llama3.2'): Reply {
  const message: Record<string, unknown> = { role: 'assistant', content: a.content ?? '' };
  if (a.thinking !== undefined) message.thinking = a.thinking;
  const tc = wireCalls(a.toolCalls);
  if (tc !== undefined) message.tool_calls = tc;
  return {
    kind: 'json',
    body: {
      model, created_at: CREATED, message, done: true, done_reason: a.doneReason ?? 'stop',
      total_duration: 812000000, load_duration: 2000000, prompt_eval_count: a.usage?.prompt ?? 26, prompt_eval_duration: 100000000,
      eval_count: a.usage?.completion ?? 11, eval_duration: 700000000,
    },
  };
}

/** NDJSON lines: thinking pieces, content pieces, one line per tool call, then the done line. */
export function ollamaLines(a: { thinking?: string[]; content?: string[]; toolCalls?: OllamaFakeCall[]; doneReason?: string; usage?: { prompt: number; completion: number } }, model = 'llama3.2'): string[] {
  const line = (message: Record<string, unknown>, extra: Record<string, unknown> = { done: false }) =>
    `${JSON.stringify({ model, created_at: CREATED, message: { role: 'assistant', content: '', ...message }, ...extra })}\n`;
  const lines: string[] = [];
  for (const t of a.thinking ?? []) lines.push(line({ thinking: t }));
  for (const c of a.content ?? []) lines.push(line({ content: c }));
  for (const c of a.toolCalls ?? []) lines.push(line({ tool_calls: wireCalls([c]) }));
  lines.push(line({}, {
    done: true, done_reason: a.doneReason ?? 'stop', total_duration: 812000000, load_duration: 2000000,
    prompt_eval_count: a.usage?.prompt ?? 26, prompt_eval_duration: 100000000, eval_count: a.usage?.completion ?? 11, eval_duration: 700000000,
  }));
  return lines;
}

export function ollamaStream(lines: string[], fragment?: Fragmenting): Reply {
  return { kind: 'stream', headers: { 'content-type': 'application/x-ndjson' }, frames: lines, fragment };
}
