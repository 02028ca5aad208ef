import { LineDecoder } from '../shared/sse.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { mapFinishReason } from './finish-reason.js';
import { invalid, streamError, toToolCall, type OllamaChunk } from './response.js';
import { mapUsage } from './usage.js';

/**
 * Ollama NDJSON stream → canonical events. One JSON object per line (lines may be cut anywhere
 * across reads: LineDecoder joins them), `message.content` / `message.thinking` deltas, whole
 * tool calls (arguments as objects, no ids: synthesized, numbered across the stream), and a final
 * `done:true` line with `done_reason` and the token counts.
 */
export function createOllamaStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
  let calls = 0;
  let finished = false;
  const onLine = (line: string) => {
    if (finished) return;
    let chunk: OllamaChunk;
    try {
      chunk = JSON.parse(line);
    } catch {
      emit({ type: 'error', error: invalid(ctx, 'a stream line is not JSON', line) });
      return;
    }
    if (chunk === null || typeof chunk !== 'object') {
      emit({ type: 'error', error: invalid(ctx, 'a stream line is not a JSON object', line) });
      return;
    }
    if (chunk.error !== undefined) {
      emit({ type: 'error', error: streamError(ctx, chunk.error, line) });
      return;
    }
    const m = chunk.message;
    if (m != null) {
      if (typeof m.thinking === 'string' && m.thinking !== '') {
        emit({ type: 'reasoning', text: m.thinking, detail: { type: 'reasoning.text', text: m.thinking, format: 'unknown', index: 0 } });
      }
      if (typeof m.content === 'string' && m.content !== '') emit({ type: 'text', text: m.content });
      for (const c of m.tool_calls ?? []) {
        const n = calls++;
        const tc = toToolCall(c, n, ctx);
        emit({ type: 'tool_call_start', index: n, id: tc.id, name: tc.function.name });
        emit({ type: 'tool_call_delta', index: n, arguments: tc.function.arguments });
      }
    }
    if (chunk.done === true) {
      finished = true;
      emit({ type: 'finish', reason: mapFinishReason(chunk.done_reason, calls > 0), native: chunk.done_reason ?? null });
      const usage = mapUsage(chunk);
      if (usage !== undefined) emit({ type: 'usage', usage });
    }
  };
  const decoder = new LineDecoder(onLine);
  return { push: (bytes) => decoder.push(bytes), end: () => decoder.end() };
}
