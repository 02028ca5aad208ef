/**
 * ConverseStream eventstream → canonical events. Events (`:event-type`): messageStart,
 * contentBlockStart (toolUse only), contentBlockDelta (text | toolUse.input | reasoningContent
 * text/signature/redactedContent), contentBlockStop, messageStop {stopReason}, metadata {usage}
 * (after messageStop). `:message-type` exception/error frames become error events. Bytes cut
 * anywhere are reassembled by EventStreamDecoder; bytes left over at the end are a truncation.
 */
import { GatewayError } from '../../schema/errors.js';
import { redactedDetail, thinkingDetail } from '../anthropic/reasoning-details.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { EventStreamDecoder, header } from './eventstream.js';
import { streamException } from './errors.js';
import { mapStopReason } from './finish-reason.js';
import { mapBedrockUsage } from './usage.js';

const utf8 = new TextDecoder();

interface Delta {
  text?: string;
  toolUse?: { input?: string };
  reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
}

export function createBedrockStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
  let failed = false;
  const fail = (error: GatewayError) => {
    if (failed) return;
    failed = true;
    emit({ type: 'error', error });
  };
  const invalid = (what: string, raw = '') =>
    new GatewayError(502, `[${ctx.provider.name}] invalid upstream stream: ${what}`, {
      metadata: { provider_name: ctx.provider.name, error_type: 'provider_unavailable', raw: raw.slice(0, 2000) },
    });

  const onEvent = (type: string | undefined, p: Record<string, any>) => {
    const index = typeof p.contentBlockIndex === 'number' ? p.contentBlockIndex : 0;
    switch (type) {
      case 'contentBlockStart': {
        const tu = p.start?.toolUse;
        if (tu !== undefined) emit({ type: 'tool_call_start', index, id: tu.toolUseId || synthesizeToolCallId(ctx.generationId, index), name: tu.name ?? '' });
        return;
      }
      case 'contentBlockDelta': {
        const d: Delta = p.delta ?? {};
        if (typeof d.text === 'string' && d.text !== '') emit({ type: 'text', text: d.text });
        else if (typeof d.toolUse?.input === 'string') emit({ type: 'tool_call_delta', index, arguments: d.toolUse.input });
        else if (d.reasoningContent !== undefined) {
          const r = d.reasoningContent;
          if (typeof r.text === 'string' && r.text !== '')
            emit({ type: 'reasoning', text: r.text, detail: thinkingDetail(r.text, undefined, index) });
          if (typeof r.signature === 'string' && r.signature !== '')
            emit({ type: 'reasoning', detail: thinkingDetail('', r.signature, index) });
          if (typeof r.redactedContent === 'string' && r.redactedContent !== '')
            emit({ type: 'reasoning', detail: redactedDetail(r.redactedContent, index) });
        }
        return;
      }
      case 'messageStop':
        emit({ type: 'finish', reason: mapStopReason(p.stopReason), native: p.stopReason ?? null });
        return;
      case 'metadata': {
        const usage = mapBedrockUsage(p.usage);
        if (usage !== undefined) emit({ type: 'usage', usage });
        return;
      }
      default:
        return; // messageStart, contentBlockStop, unknown future events
    }
  };

  const decoder = new EventStreamDecoder((m) => {
    if (failed) return;
    const kind = header(m, ':message-type');
    const payload = utf8.decode(m.body);
    if (kind === 'exception') return fail(streamException(header(m, ':exception-type'), payload, ctx));
    if (kind === 'error') {
      const code = header(m, ':error-code') ?? 'InternalServerException';
      return fail(streamException(code, JSON.stringify({ message: header(m, ':error-message') ?? payload }), ctx));
    }
    let p: unknown;
    try {
      p = payload === '' ? {} : JSON.parse(payload);
    } catch {
      return fail(invalid('an event payload is not JSON', payload));
    }
    if (p === null || typeof p !== 'object') return fail(invalid('an event payload is not an object', payload));
    onEvent(header(m, ':event-type'), p as Record<string, any>);
  });

  return {
    push: (bytes) => {
      if (failed) return;
      try {
        decoder.push(bytes);
      } catch (e) {
        fail(invalid((e as Error).message));
      }
    },
    end: () => {
      if (!failed && decoder.pending > 0) fail(invalid(`the stream ended inside a message (${decoder.pending} bytes left over)`));
    },
  };
}
