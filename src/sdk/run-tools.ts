/**
 * The agent loop, done once: request → tool calls → run them → results → request, until the
 * model answers without calling a tool or `maxSteps` requests were made. The calls of one turn
 * run concurrently (one after another with `parallelToolCalls: false`); bad arguments, unknown
 * tools and thrown errors go back to the model as the tool's result instead of ending the run.
 * The history keeps each assistant message whole (reasoning_details included), so reasoning
 * models continue their chain on the next turn.
 */
import type {
  AssistantMessage,
  ChatChunk,
  ChatRequest,
  ChatResponse,
  FinishReason,
  Message,
  ReasoningConfig,
  ResponseMessage,
  ToolCall,
  ToolChoice,
  ToolMessage,
  Usage,
} from '../schema/types.js';
import { MessageAccumulator, type DeltaEvent } from './accumulate.js';
import { checkArguments, toolDefinition, validatorOf, type Tool } from './tools.js';

/** What runTools needs of a client: `Switchyard`, or anything with the same `chat.completions.create`. */
export interface ChatClient {
  chat: {
    completions: {
      create(body: ChatRequest, opts?: { signal?: AbortSignal }): Promise<ChatResponse | AsyncIterable<ChatChunk>>;
    };
  };
}

export interface RunToolsOptions extends Omit<ChatRequest, 'model' | 'messages' | 'tools' | 'tool_choice' | 'parallel_tool_calls' | 'reasoning' | 'stream'> {
  model: string;
  messages: Message[];
  tools: Tool[];
  /** Most requests to make (default 10). */
  maxSteps?: number;
  /** A forcing choice (`required`, a named function) applies to the first step only, then `auto`, so the loop can end. */
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  reasoning?: ReasoningConfig;
  signal?: AbortSignal;
  /** Progress: text, reasoning and tool-call pieces as they arrive (with `stream`), calls, results, steps. */
  onEvent?: (event: RunToolsEvent) => void;
  /** Stream each step (events arrive as the model produces them). Default false. */
  stream?: boolean;
}

export interface ToolCallRecord {
  id: string;
  name: string;
  /** The arguments string the model sent. */
  arguments: string;
  /** Parsed and validated arguments (absent when they were invalid). */
  args?: unknown;
  /** What `run` returned. */
  result?: unknown;
  /** The tool message content sent back. */
  content: string;
  /** Why the tool did not run or failed (also sent to the model). */
  error?: string;
  durationMs: number;
}

export interface StepRecord {
  step: number;
  /** The gateway's generation id of this request. */
  id: string | undefined;
  provider: string | undefined;
  message: AssistantMessage;
  finishReason: FinishReason | null;
  usage: Usage | undefined;
  toolCalls: ToolCallRecord[];
}

export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  /** USD, summed over the steps that reported a cost. */
  cost: number;
}

export interface RunToolsResult {
  /** The last assistant message. */
  message: AssistantMessage;
  /** Its text (null when it only called tools). */
  text: string | null;
  /** The full history: the input messages, then every assistant and tool message. */
  messages: Message[];
  steps: StepRecord[];
  usage: RunUsage;
  finishReason: FinishReason | null;
  /** `stop`: the model answered without calling tools; `max_steps`: the limit was reached. */
  stoppedBy: 'stop' | 'max_steps';
}

type WithStep<T> = T extends unknown ? T & { step: number } : never;
export type RunToolsEvent =
  | WithStep<DeltaEvent>
  | { type: 'step_start'; step: number }
  | { type: 'tool_call'; step: number; call: ToolCall }
  | { type: 'tool_result'; step: number; call: ToolCallRecord }
  | { type: 'step_finish'; step: number; record: StepRecord };

export async function runTools(client: ChatClient, opts: RunToolsOptions): Promise<RunToolsResult> {
  const { model, messages, tools, maxSteps = 10, toolChoice, parallelToolCalls, reasoning, signal, onEvent, stream, ...extra } = opts;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new RangeError('maxSteps must be a positive integer');
  const byName = new Map<string, Tool>();
  for (const t of tools) {
    if (byName.has(t.name)) throw new TypeError(`two tools are named "${t.name}"`);
    validatorOf(t); // an invalid schema fails now, not on the first call
    byName.set(t.name, t);
  }
  const definitions = tools.map(toolDefinition);
  const emit = (e: RunToolsEvent) => onEvent?.(e);
  const history: Message[] = [...messages];
  const steps: StepRecord[] = [];
  const usage: RunUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, reasoning_tokens: 0, cached_tokens: 0, cost: 0 };

  for (let step = 0; ; step++) {
    throwIfAborted(signal);
    emit({ type: 'step_start', step });
    const body: ChatRequest = { ...extra, model, messages: history };
    if (definitions.length > 0) body.tools = definitions;
    const choice = step === 0 || !isForcing(toolChoice) ? toolChoice : 'auto';
    if (choice !== undefined) body.tool_choice = choice;
    if (parallelToolCalls !== undefined && definitions.length > 0) body.parallel_tool_calls = parallelToolCalls;
    if (reasoning !== undefined) body.reasoning = reasoning;
    const turn = stream === true ? await streamedTurn(client, body, signal, (e) => emit({ ...e, step })) : await plainTurn(client, body, signal, (e) => emit({ ...e, step }));
    addUsage(usage, turn.usage);
    history.push(turn.message);
    const calls = turn.message.tool_calls ?? [];
    for (const call of calls) emit({ type: 'tool_call', step, call });
    const context = [...history];
    const runOne = async (call: ToolCall) => {
      const rec = await runCall(byName, call, { toolCallId: call.id, step, signal, messages: context });
      emit({ type: 'tool_result', step, call: rec });
      return rec;
    };
    let records: ToolCallRecord[] = [];
    if (parallelToolCalls === false) for (const call of calls) records.push(await runOne(call));
    else records = await Promise.all(calls.map(runOne));
    throwIfAborted(signal);
    for (const r of records) history.push({ role: 'tool', tool_call_id: r.id, content: r.content } satisfies ToolMessage);
    const record: StepRecord = { step, id: turn.id, provider: turn.provider, message: turn.message, finishReason: turn.finishReason, usage: turn.usage, toolCalls: records };
    steps.push(record);
    emit({ type: 'step_finish', step, record });
    const stoppedBy = calls.length === 0 ? 'stop' : step + 1 >= maxSteps ? 'max_steps' : undefined;
    if (stoppedBy !== undefined) {
      const text = typeof turn.message.content === 'string' ? turn.message.content : null;
      return { message: turn.message, text, messages: history, steps, usage, finishReason: turn.finishReason, stoppedBy };
    }
  }
}

interface Turn {
  message: AssistantMessage;
  finishReason: FinishReason | null;
  usage: Usage | undefined;
  id: string | undefined;
  provider: string | undefined;
}

async function plainTurn(client: ChatClient, body: ChatRequest, signal: AbortSignal | undefined, emit: (e: DeltaEvent) => void): Promise<Turn> {
  const res = (await client.chat.completions.create({ ...body, stream: false }, { signal })) as ChatResponse;
  const choice = res.choices?.[0];
  if (choice === undefined) throw new Error('the response has no choices');
  const message = historyMessage(choice.message);
  if (typeof message.reasoning === 'string' && message.reasoning !== '') emit({ type: 'reasoning', text: message.reasoning });
  if (typeof message.content === 'string' && message.content !== '') emit({ type: 'text', text: message.content });
  return { message, finishReason: choice.finish_reason, usage: res.usage, id: res.id, provider: res.provider };
}

async function streamedTurn(client: ChatClient, body: ChatRequest, signal: AbortSignal | undefined, emit: (e: DeltaEvent) => void): Promise<Turn> {
  const chunks = (await client.chat.completions.create({ ...body, stream: true }, { signal })) as AsyncIterable<ChatChunk>;
  const acc = new MessageAccumulator();
  for await (const chunk of chunks) for (const e of acc.push(chunk)) emit(e);
  return { message: acc.message, finishReason: acc.finishReason, usage: acc.usage, id: acc.id, provider: acc.provider };
}

/** The response message as it goes back into the history: nulls dropped, reasoning details kept whole. */
function historyMessage(m: ResponseMessage): AssistantMessage {
  const out: AssistantMessage = { role: 'assistant', content: m.content ?? null };
  if (m.reasoning != null && m.reasoning !== '') out.reasoning = m.reasoning;
  if (m.reasoning_details !== undefined && m.reasoning_details.length > 0) out.reasoning_details = m.reasoning_details;
  if (m.refusal != null) out.refusal = m.refusal;
  if (m.tool_calls !== undefined && m.tool_calls.length > 0) out.tool_calls = m.tool_calls;
  return out;
}

async function runCall(byName: Map<string, Tool>, call: ToolCall, ctx: Parameters<Tool['run']>[1]): Promise<ToolCallRecord> {
  const started = Date.now();
  const rec: ToolCallRecord = { id: call.id, name: call.function.name, arguments: call.function.arguments, content: '', durationMs: 0 };
  const tool = byName.get(call.function.name);
  if (tool === undefined) {
    rec.error = `unknown tool "${call.function.name}"; the tools are: ${[...byName.keys()].join(', ')}`;
  } else {
    const parsed = checkArguments(tool, call.function.arguments);
    if (!parsed.ok) rec.error = parsed.error;
    else {
      rec.args = parsed.args;
      try {
        rec.result = await tool.run(parsed.args, ctx);
        rec.content = typeof rec.result === 'string' ? rec.result : JSON.stringify(rec.result ?? null);
      } catch (e) {
        if (ctx.signal?.aborted) throw ctx.signal.reason ?? e;
        rec.error = `tool ${tool.name} failed: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }
  if (rec.error !== undefined) rec.content = JSON.stringify({ error: rec.error });
  rec.durationMs = Date.now() - started;
  return rec;
}

function isForcing(c: ToolChoice | undefined): boolean {
  return c === 'required' || (typeof c === 'object' && c !== null);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' });
}

function addUsage(sum: RunUsage, u: Usage | undefined): void {
  if (u === undefined) return;
  sum.prompt_tokens += u.prompt_tokens ?? 0;
  sum.completion_tokens += u.completion_tokens ?? 0;
  sum.total_tokens += u.total_tokens ?? 0;
  sum.reasoning_tokens += u.completion_tokens_details?.reasoning_tokens ?? 0;
  sum.cached_tokens += u.prompt_tokens_details?.cached_tokens ?? 0;
  if (typeof u.cost === 'number') sum.cost = Math.round((sum.cost + u.cost) * 1e12) / 1e12;
}
