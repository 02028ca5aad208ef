/**
 * For upstreams that cannot be told "no tool calls now" or "one call at a time" (Bedrock keeps its
 * tools for `tool_choice: none` when the history needs a toolConfig; Cohere and non-Claude Bedrock
 * models have no parallel-calls switch): the answer is cut to what the client asked for. Calls
 * beyond the limit are dropped; an answer left with none finishes `stop`, not `tool_calls`.
 */
import type { CanonicalRequest, CanonicalResponse } from '../../schema/canonical.js';
import type { Emit } from '../types.js';

/** The most tool calls an answer may carry, or undefined for no limit. */
export function toolCallLimit(req: CanonicalRequest | undefined, native: { none: boolean; parallel: boolean }): number | undefined {
  if (req === undefined) return undefined;
  if (!native.none && req.toolChoice?.type === 'none') return 0;
  if (!native.parallel && req.parallelToolCalls === false) return 1;
  return undefined;
}

export function limitToolCalls(res: CanonicalResponse, max: number | undefined): CanonicalResponse {
  if (max === undefined || res.toolCalls.length <= max) return res;
  const toolCalls = res.toolCalls.slice(0, max);
  const finishReason = toolCalls.length === 0 && res.finishReason === 'tool_calls' ? 'stop' : res.finishReason;
  return { ...res, toolCalls, finishReason };
}

/** The same cut on a stream: events of calls past the limit never reach `emit`. */
export function limitToolCallEvents(emit: Emit, max: number | undefined): Emit {
  if (max === undefined) return emit;
  const kept = new Set<number>();
  return (e) => {
    switch (e.type) {
      case 'tool_call_start':
        if (kept.has(e.index) || kept.size >= max) return;
        kept.add(e.index);
        return emit(e);
      case 'tool_call_delta':
        return kept.has(e.index) ? emit(e) : undefined;
      case 'finish':
        return emit(kept.size === 0 && e.reason === 'tool_calls' ? { ...e, reason: 'stop' } : e);
      default:
        return emit(e);
    }
  };
}
