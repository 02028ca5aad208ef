/**
 * Mistral SSE → canonical events. The chunks are OpenAI's, so the OpenAI stream parser does the
 * work; this layer only (1) turns list-shaped `delta.content` (thinking and text chunks) into
 * reasoning events plus a plain-string content, (2) maps rewritten tool-call ids back to the
 * client's, and (3) turns Mistral's mid-stream `{"object":"error",…}` events into error events. Events without list content are handed over byte-for-byte as they came.
 */
import { GatewayError } from '../../schema/errors.js';
import { createOpenAIStreamParser } from '../openai/stream.js';
import { SseDecoder } from '../shared/sse.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { splitContent } from './content.js';
import { errorMessage } from './errors.js';
import { idsFor } from '../shared/mistral-ids.js';

const encoder = new TextEncoder();
/** `"content": [` with or without spaces: a chunk list, worth a look. */
const LIST_CONTENT = /"content"\s*:\s*\[/;
/** A mid-stream error event: `{"object":"error","message":…,"type":…,"code":…}`. */
const ERROR_EVENT = /"object"\s*:\s*"error"/;

export function createMistralStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
  const ids = idsFor(ctx);
  const inner = createOpenAIStreamParser(ctx, ids.size === 0 ? emit : (e) => emit(e.type === 'tool_call_start' ? { ...e, id: ids.inbound(e.id) } : e));
  const forward = (data: string) => inner.push(encoder.encode(`data: ${data}\n\n`));
  const decoder = new SseDecoder(({ data }) => {
    if (ERROR_EVENT.test(data)) {
      const message = ids.restoreText(errorMessage(502, data));
      return emit({ type: 'error', error: new GatewayError(502, `[${ctx.provider.name}] ${message}`, { metadata: { provider_name: ctx.provider.name, raw: data.slice(0, 2000), error_type: 'provider_unavailable' } }) });
    }
    if (!LIST_CONTENT.test(data)) return forward(data);
    let chunk: any;
    try {
      chunk = JSON.parse(data);
    } catch {
      return forward(data); // the inner parser reports it
    }
    const delta = chunk?.choices?.[0]?.delta;
    if (delta == null || !Array.isArray(delta.content)) return forward(data);
    const split = splitContent(delta.content);
    if (split.thinking !== '') {
      const detail = { type: 'reasoning.text' as const, text: split.thinking, format: 'unknown', index: 0 };
      emit({ type: 'reasoning', text: split.thinking, detail: split.signature === undefined ? detail : { ...detail, signature: split.signature } });
    } else if (split.signature !== undefined) {
      emit({ type: 'reasoning', detail: { type: 'reasoning.text', text: '', signature: split.signature, format: 'unknown', index: 0 } });
    }
    delta.content = split.text;
    forward(JSON.stringify(chunk));
  });
  return {
    push: (bytes) => decoder.push(bytes),
    end: () => {
      decoder.end();
      inner.end();
    },
  };
}
