/**
 * Anthropic Messages SSE → canonical stream events. Accepts any byte boundary (SseDecoder).
 *
 * message_start → meta + input usage · content_block_start: text / thinking / redacted_thinking
 * (→ reasoning.encrypted detail) / tool_use (→ tool_call_start, keyed by block index) ·
 * content_block_delta: text_delta → text, input_json_delta → tool_call_delta, thinking_delta →
 * reasoning text + detail, signature_delta → detail with the signature · content_block_stop ·
 * message_delta → usage + finish · message_stop · ping (ignored) · error → error event.
 * Blocks of server tools (server_tool_use, web_search_tool_result, …) are skipped.
 */
import { GatewayError } from '../../schema/errors.js';
import { SseDecoder } from '../shared/sse.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { embeddedError } from './errors.js';
import { mapStopReason } from './finish-reason.js';
import { quickEvent } from './stream-quick.js';
import { redactedDetail, signatureDetail, thinkingDetail } from './reasoning-details.js';
import type { Usage } from './types.js';
import { mapUsage, mergeUsage } from './usage.js';

interface BlockState {
  type: string;
  /** tool_use: an input object given in content_block_start (not the API's habit, but possible). */
  startInput?: string;
  argsSeen?: boolean;
}

export function createAnthropicStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
  return new AnthropicStreamParser(ctx, emit);
}

/**
 * One object per stream (no per-stream closures but the decoder's callback). The common events
 * are read by quickEvent without a JSON.parse (stream-quick.ts); the rest are parsed.
 */
class AnthropicStreamParser implements StreamParser {
  /** By the event's `index` (whatever value the upstream sent). */
  private readonly blocks = new Map<unknown, BlockState>();
  private readonly usage: Usage = {};
  private finished = false;
  private readonly decoder: SseDecoder;

  constructor(
    private readonly ctx: AdapterContext,
    private readonly emit: Emit,
  ) {
    this.decoder = new SseDecoder((e) => this.onData(e.data));
  }

  push(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  end(): void {
    this.decoder.end();
  }

  private onData(data: string): void {
    let ev = quickEvent(data);
    if (ev === undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        this.emit({ type: 'error', error: garbage(this.ctx, data) });
        return;
      }
      if (parsed === null || typeof parsed !== 'object') {
        this.emit({ type: 'error', error: garbage(this.ctx, data) });
        return;
      }
      ev = parsed as Record<string, unknown>;
    }
    this.onEvent(ev as Record<string, any>, data);
  }

  private emitUsage(): void {
    const u = mapUsage(this.usage);
    if (u !== undefined) this.emit({ type: 'usage', usage: u });
  }

  private onEvent(ev: Record<string, any>, data: string): void {
    const emit = this.emit;
    switch (ev.type) {
      case 'message_start': {
        const m = ev.message ?? {};
        if (typeof m.id === 'string') emit({ type: 'meta', upstreamId: m.id });
        mergeUsage(this.usage, m.usage);
        return;
      }
      case 'content_block_start':
        return this.blockStart(ev.index, ev.content_block ?? {});
      case 'content_block_delta':
        return this.blockDelta(ev.index, ev.delta ?? {});
      case 'content_block_stop': {
        const b = this.blocks.get(ev.index);
        if (b?.type === 'tool_use' && !b.argsSeen && b.startInput !== undefined) {
          emit({ type: 'tool_call_delta', index: ev.index, arguments: b.startInput });
        }
        return;
      }
      case 'message_delta': {
        mergeUsage(this.usage, ev.usage);
        this.emitUsage();
        const reason = ev.delta?.stop_reason;
        if (reason != null && !this.finished) {
          this.finished = true;
          emit({ type: 'finish', reason: mapStopReason(reason), native: reason });
        }
        return;
      }
      case 'message_stop':
        if (!this.finished) {
          this.finished = true;
          if (hasAny(this.usage)) this.emitUsage();
          emit({ type: 'finish', reason: 'stop', native: null });
        }
        return;
      case 'error':
        emit({ type: 'error', error: embeddedError(data, this.ctx) });
        return;
      default:
        return; // ping, and event types newer than this adapter
    }
  }

  private blockStart(index: number, cb: Record<string, any>): void {
    const emit = this.emit;
    const state: BlockState = { type: String(cb.type) };
    this.blocks.set(index, state);
    switch (cb.type) {
      case 'text':
        if (typeof cb.text === 'string' && cb.text !== '') emit({ type: 'text', text: cb.text });
        return;
      case 'thinking':
        if (typeof cb.thinking === 'string' && cb.thinking !== '') emit({ type: 'reasoning', text: cb.thinking, detail: thinkingDetail(cb.thinking, undefined, index) });
        if (typeof cb.signature === 'string' && cb.signature !== '') emit({ type: 'reasoning', detail: signatureDetail(cb.signature, index) });
        return;
      case 'redacted_thinking':
        if (typeof cb.data === 'string') emit({ type: 'reasoning', detail: redactedDetail(cb.data, index) });
        return;
      case 'tool_use':
        emit({ type: 'tool_call_start', index, id: String(cb.id), name: String(cb.name) });
        if (cb.input != null && typeof cb.input === 'object' && hasAny(cb.input)) state.startInput = JSON.stringify(cb.input);
        return;
    }
  }

  private blockDelta(index: number, d: Record<string, any>): void {
    const emit = this.emit;
    switch (d.type) {
      case 'text_delta':
        if (typeof d.text === 'string' && d.text !== '') emit({ type: 'text', text: d.text });
        return;
      case 'input_json_delta': {
        const b = this.blocks.get(index);
        if (b?.type !== 'tool_use' || typeof d.partial_json !== 'string' || d.partial_json === '') return;
        b.argsSeen = true;
        emit({ type: 'tool_call_delta', index, arguments: d.partial_json });
        return;
      }
      case 'thinking_delta':
        if (typeof d.thinking === 'string' && d.thinking !== '') emit({ type: 'reasoning', text: d.thinking, detail: thinkingDetail(d.thinking, undefined, index) });
        return;
      case 'signature_delta':
        if (typeof d.signature === 'string' && d.signature !== '') emit({ type: 'reasoning', detail: signatureDetail(d.signature, index) });
        return;
    }
  }
}

/** Object.keys(o).length > 0 without the keys array. */
function hasAny(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function garbage(ctx: AdapterContext, data: string): GatewayError {
  return new GatewayError(502, `[${ctx.provider.name}] upstream sent an invalid stream event`, {
    metadata: { provider_name: ctx.provider.name, raw: data.slice(0, 2000), error_type: 'provider_unavailable' },
  });
}
