/**
 * Folding a stream of chunks into complete objects: tool calls from their deltas
 * (`ToolCallAccumulator`, `accumulateToolCalls`), and the whole assistant message with its
 * reasoning details merged by index (`MessageAccumulator`).
 */
import type { AssistantMessage, ChatChunk, FinishReason, ReasoningDetail, ToolCall, ToolCallDelta, Usage } from '../schema/types.js';

export type DeltaEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; arguments: string };

/**
 * Collects streamed tool-call deltas (keyed by `index`; the first delta of a call carries its id
 * and name, later ones argument fragments) into complete calls, in index order.
 */
export class ToolCallAccumulator {
  private readonly byIndex = new Map<number, ToolCall>();

  /** Adds the `tool_calls` of one delta; returns what they started or extended. */
  push(deltas: readonly ToolCallDelta[] | undefined | null): DeltaEvent[] {
    const events: DeltaEvent[] = [];
    for (const d of deltas ?? []) {
      const index = typeof d.index === 'number' ? d.index : this.byIndex.size;
      let call = this.byIndex.get(index);
      if (call === undefined) {
        call = { id: d.id ?? '', type: 'function', function: { name: d.function?.name ?? '', arguments: '' } };
        this.byIndex.set(index, call);
        events.push({ type: 'tool_call_start', index, id: call.id, name: call.function.name });
      } else {
        if (d.id && !call.id) call.id = d.id;
        if (d.function?.name && !call.function.name) call.function.name = d.function.name;
      }
      const args = d.function?.arguments;
      if (typeof args === 'string' && args !== '') {
        call.function.arguments += args;
        events.push({ type: 'tool_call_delta', index, arguments: args });
      }
    }
    return events;
  }

  /** The calls so far, in index order; a call that received no arguments gets `{}`. */
  get calls(): ToolCall[] {
    return [...this.byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({ ...c, function: { ...c.function, arguments: c.function.arguments === '' ? '{}' : c.function.arguments } }));
  }
}

/** The complete tool calls of a stream's chunks. */
export function accumulateToolCalls(chunks: Iterable<ChatChunk>): ToolCall[] {
  const acc = new ToolCallAccumulator();
  for (const c of chunks) acc.push(c.choices[0]?.delta.tool_calls);
  return acc.calls;
}

/** Merges a streamed reasoning detail into the list: same index and type → one detail. */
export function mergeReasoningDetail(list: ReasoningDetail[], d: ReasoningDetail): void {
  const prev = list.find((x) => x.type === d.type && (x.index ?? 0) === (d.index ?? 0));
  if (prev === undefined) {
    list.push({ ...d });
    return;
  }
  const p = prev as Record<string, unknown>;
  const n = d as Record<string, unknown>;
  for (const k of ['text', 'summary', 'data'] as const) {
    if (typeof n[k] === 'string') p[k] = (typeof p[k] === 'string' ? p[k] : '') + n[k];
  }
  for (const k of ['signature', 'id', 'format'] as const) if (n[k] != null) p[k] = n[k];
}

/** Builds the assistant message of a streamed completion, and reports each piece as it arrives. */
export class MessageAccumulator {
  readonly toolCalls = new ToolCallAccumulator();
  content = '';
  reasoning = '';
  readonly reasoningDetails: ReasoningDetail[] = [];
  refusal: string | null = null;
  finishReason: FinishReason | null = null;
  nativeFinishReason: string | null = null;
  usage: Usage | undefined;
  id: string | undefined;
  model: string | undefined;
  provider: string | undefined;

  push(chunk: ChatChunk): DeltaEvent[] {
    this.id ??= chunk.id;
    this.model ??= chunk.model;
    this.provider ??= chunk.provider;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (choice === undefined) return [];
    const d = choice.delta ?? {};
    const events: DeltaEvent[] = [];
    if (typeof d.reasoning === 'string' && d.reasoning !== '') {
      this.reasoning += d.reasoning;
      events.push({ type: 'reasoning', text: d.reasoning });
    }
    for (const rd of d.reasoning_details ?? []) mergeReasoningDetail(this.reasoningDetails, rd);
    if (typeof d.content === 'string' && d.content !== '') {
      this.content += d.content;
      events.push({ type: 'text', text: d.content });
    }
    if (typeof d.refusal === 'string') this.refusal = (this.refusal ?? '') + d.refusal;
    events.push(...this.toolCalls.push(d.tool_calls));
    if (choice.finish_reason != null) {
      this.finishReason = choice.finish_reason;
      this.nativeFinishReason = choice.native_finish_reason ?? null;
    }
    return events;
  }

  /** The assistant message as it goes back into the history (reasoning details kept for the next turn). */
  get message(): AssistantMessage {
    const calls = this.toolCalls.calls;
    const m: AssistantMessage = { role: 'assistant', content: this.content === '' && calls.length > 0 ? null : this.content };
    if (this.reasoning !== '') m.reasoning = this.reasoning;
    if (this.reasoningDetails.length > 0) m.reasoning_details = this.reasoningDetails.map((x) => ({ ...x }));
    if (this.refusal !== null) m.refusal = this.refusal;
    if (calls.length > 0) m.tool_calls = calls;
    return m;
  }
}
