import { GatewayError } from '../../schema/errors.js';
import { ChunkTemplates, JsonChunks } from '../shared/json-chunks.js';
import { SseDecoder } from '../shared/sse.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import type { AdapterContext, Emit, StreamParser } from '../types.js';
import { mapFinishReason } from './finish-reason.js';
import type { OpenAIParseOptions } from './response.js';
import { mapUsage } from './usage.js';
import type { ReasoningDetail } from '../../schema/types.js';

interface ToolCallDelta {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | Record<string, unknown> | null };
}

interface PendingCall {
  key: number;
  id: string | undefined;
  name: string | undefined;
  started: boolean;
  buffered: string;
}

/** What of a chunk the parser below reads, and the templates its streams share (shared/json-chunks.ts). */
const TEMPLATES = new ChunkTemplates({
  fixedKeys: ['choices', 'usage', 'error'],
  leaves: [
    ['choices', 0, 'delta', 'content'],
    ['choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments'],
    ['choices', 0, 'delta', 'reasoning'],
    ['choices', 0, 'delta', 'reasoning_content'],
  ],
  retained: [['error'], ['usage'], ['choices', 0, 'delta', 'reasoning_details']],
  // OpenAI's padding, different in every chunk (on unless stream_options.include_obfuscation is false)
  ignoredTail: ',"obfuscation":',
});

/**
 * OpenAI Chat Completions SSE → canonical events. Tolerant of the quirks of OpenAI-compatible
 * servers (spec §8): a missing `index`, an index reused for a new id, arguments before the name,
 * a missing id, arguments sent as an object, a whole call in one delta.
 */
export function createOpenAIStreamParser(ctx: AdapterContext, emit: Emit, opts: OpenAIParseOptions = {}): StreamParser {
  return new OpenAIStreamParser(ctx, emit, opts);
}

/** One stream's state, with methods rather than closures: one object and one decoder callback per stream. */
class OpenAIStreamParser implements StreamParser {
  /** The tool calls by the upstream's index; made at the first tool call. */
  private byIndex: Map<number, PendingCall> | undefined;
  private nextKey = 0;
  private last: PendingCall | undefined;
  private sentMeta = false;
  private readonly chunks = new JsonChunks(TEMPLATES);
  private readonly decoder: SseDecoder;

  constructor(
    private readonly ctx: AdapterContext,
    private readonly emit: Emit,
    private readonly opts: OpenAIParseOptions,
  ) {
    this.decoder = new SseDecoder((ev) => this.onData(ev.data));
  }

  push(bytes: Uint8Array): void {
    this.decoder.push(bytes);
  }

  end(): void {
    this.decoder.end();
    this.flushUnstarted();
  }

  private start(c: PendingCall): void {
    c.started = true;
    this.emit({ type: 'tool_call_start', index: c.key, id: c.id || synthesizeToolCallId(this.ctx.generationId, c.key), name: c.name ?? '' });
    if (c.buffered !== '') {
      this.emit({ type: 'tool_call_delta', index: c.key, arguments: c.buffered });
      c.buffered = '';
    }
  }

  private onToolDelta(tc: ToolCallDelta): void {
    const byIndex = (this.byIndex ??= new Map());
    const idx = typeof tc.index === 'number' ? tc.index : tc.id ? -1 - this.nextKey : this.last !== undefined ? undefined : 0;
    let call = idx === undefined ? this.last : byIndex.get(idx);
    if (call !== undefined && tc.id && call.id && tc.id !== call.id) call = undefined; // index reused by a new call
    if (call === undefined) {
      call = { key: this.nextKey++, id: tc.id || undefined, name: undefined, started: false, buffered: '' };
      byIndex.set(idx ?? call.key, call);
    }
    this.last = call;
    if (!call.id && tc.id) call.id = tc.id;
    const name = tc.function?.name;
    if (name && !call.started) call.name = (call.name ?? '') + name;
    const raw = tc.function?.arguments;
    const args = raw == null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    if (!call.started && call.name !== undefined) this.start(call);
    if (args === '') return;
    if (call.started) this.emit({ type: 'tool_call_delta', index: call.key, arguments: args });
    else call.buffered += args;
  }

  private flushUnstarted(): void {
    if (this.byIndex !== undefined) for (const c of this.byIndex.values()) if (!c.started) this.start(c);
  }

  private onData(data: string): void {
    if (data === '[DONE]') return;
    const { ctx, emit } = this;
    // possibly a shared template's value, which the next chunk of any stream changes: read here, kept nowhere
    let chunk: Record<string, any>;
    try {
      chunk = this.chunks.parse(data) as Record<string, any>;
    } catch {
      emit({ type: 'error', error: garbage(ctx, data) });
      return;
    }
    if (chunk === null || typeof chunk !== 'object') {
      emit({ type: 'error', error: garbage(ctx, data) });
      return;
    }
    if (chunk.error !== undefined) {
      const e = chunk.error;
      emit({
        type: 'error',
        error: new GatewayError(typeof e?.code === 'number' && e.code >= 400 ? e.code : 502, `[${ctx.provider.name}] ${e?.message ?? 'stream error'}`, {
          metadata: { provider_name: ctx.provider.name, raw: data },
        }),
      });
      return;
    }
    if (!this.sentMeta && typeof chunk.id === 'string') {
      this.sentMeta = true;
      emit({ type: 'meta', upstreamId: chunk.id });
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (choice !== undefined && (choice.index ?? 0) === 0) {
      const d = choice.delta;
      if (d != null) {
        const reasoning = d.reasoning ?? d.reasoning_content;
        const details = this.opts.upstreamReasoningDetails && Array.isArray(d.reasoning_details) ? d.reasoning_details : [];
        if (details.length > 0) {
          details.forEach((detail: ReasoningDetail, k: number) => {
            emit({ type: 'reasoning', text: k === 0 && typeof reasoning === 'string' ? reasoning : undefined, detail });
          });
        } else if (typeof reasoning === 'string' && reasoning !== '') {
          emit({ type: 'reasoning', text: reasoning, detail: { type: 'reasoning.text', text: reasoning, format: 'unknown', index: 0 } });
        }
        if (typeof d.content === 'string' && d.content !== '') emit({ type: 'text', text: d.content });
        if (typeof d.refusal === 'string' && d.refusal !== '') emit({ type: 'refusal', text: d.refusal });
        if (Array.isArray(d.tool_calls)) for (const tc of d.tool_calls) this.onToolDelta(tc);
      }
      if (choice.finish_reason != null) {
        this.flushUnstarted();
        emit({ type: 'finish', reason: mapFinishReason(choice.finish_reason), native: choice.finish_reason });
      }
    }
    if (chunk.usage != null) {
      const usage = mapUsage(chunk.usage);
      if (usage !== undefined) emit({ type: 'usage', usage });
    }
  }
}

function garbage(ctx: AdapterContext, data: string): GatewayError {
  return new GatewayError(502, `[${ctx.provider.name}] upstream sent an invalid stream chunk`, {
    metadata: { provider_name: ctx.provider.name, raw: data.slice(0, 2000), error_type: 'provider_unavailable' },
  });
}
