/**
 * Cohere v2 SSE (typed events, the type in `data.type`) → canonical events:
 * message-start → meta; content-start/content-delta → text or reasoning (thinking);
 * tool-plan-delta → reasoning; tool-call-start/delta → tool call start/arguments;
 * message-end → finish + usage (or an error event when it carries an error).
 * content-end, tool-call-end, citation-*, debug carry nothing we render.
 */
import { GatewayError } from '../../schema/errors.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import { SseDecoder } from '../shared/sse.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { mapCohereFinish } from './finish-reason.js';
import { mapCohereUsage } from './usage.js';

export function createCohereStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
  const reasoning = (text: unknown) => {
    if (typeof text === 'string' && text !== '') emit({ type: 'reasoning', text, detail: { type: 'reasoning.text', text, format: 'unknown', index: 0 } });
  };
  const content = (c: { text?: unknown; thinking?: unknown } | undefined) => {
    if (c === undefined) return;
    if (typeof c.text === 'string' && c.text !== '') emit({ type: 'text', text: c.text });
    reasoning(c.thinking);
  };
  const error = (message: string, raw: string) =>
    emit({ type: 'error', error: new GatewayError(502, `[${ctx.provider.name}] ${message}`, { metadata: { provider_name: ctx.provider.name, raw: raw.slice(0, 2000), error_type: 'provider_unavailable' } }) });

  const decoder = new SseDecoder(({ event, data }) => {
    if (data === '[DONE]') return;
    let ev: Record<string, any>;
    try {
      ev = JSON.parse(data);
    } catch {
      return error('upstream sent an invalid stream chunk', data);
    }
    if (ev === null || typeof ev !== 'object') return error('upstream sent an invalid stream chunk', data);
    const msg = ev.delta?.message;
    const index = typeof ev.index === 'number' ? ev.index : 0;
    switch (ev.type ?? event) {
      case 'message-start':
        if (typeof ev.id === 'string') emit({ type: 'meta', upstreamId: ev.id });
        return;
      case 'content-start':
      case 'content-delta':
        return content(msg?.content);
      case 'tool-plan-delta':
        return reasoning(msg?.tool_plan);
      case 'tool-call-start': {
        const tc = msg?.tool_calls ?? {};
        emit({ type: 'tool_call_start', index, id: tc.id || synthesizeToolCallId(ctx.generationId, index), name: tc.function?.name ?? '' });
        const args = tc.function?.arguments;
        if (typeof args === 'string' && args !== '') emit({ type: 'tool_call_delta', index, arguments: args });
        return;
      }
      case 'tool-call-delta': {
        const args = msg?.tool_calls?.function?.arguments;
        if (typeof args === 'string' && args !== '') emit({ type: 'tool_call_delta', index, arguments: args });
        return;
      }
      case 'message-end': {
        const d = ev.delta ?? {};
        if (typeof d.error === 'string' && d.error !== '') return error(d.error, data);
        emit({ type: 'finish', reason: mapCohereFinish(d.finish_reason), native: d.finish_reason ?? null });
        const usage = mapCohereUsage(d.usage);
        if (usage !== undefined) emit({ type: 'usage', usage });
        return;
      }
      default:
        return;
    }
  });
  return { push: (b) => decoder.push(b), end: () => decoder.end() };
}
