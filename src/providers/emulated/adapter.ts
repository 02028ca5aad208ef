/**
 * `tools: emulated`: a wrapper that gives any adapter tool calling on a text-only upstream. The
 * request goes out with the tools rendered into the prompt (history.ts); the reply is read back
 * into tool calls (reader.ts), streaming too, with text held back only while it may be a call.
 * A malformed call is retried once with the validation errors (`tool_retry`, default true) or
 * returned as the text the model wrote, with finish_reason stop. See docs/emulated-tools.md.
 */
import type { CanonicalRequest, CanonicalResponse, CanonicalUsage } from '../../schema/canonical.js';
import type { ToolCall } from '../../schema/types.js';
import type { AdapterContext, Emit, ProviderAdapter, StreamParser, UpstreamExchange } from '../types.js';
import { retryMessage } from './format.js';
import { textOnlyRequest } from './history.js';
import { ReplyReader, type ReaderOutput } from './reader.js';

/** What an emulated endpoint always supports, whatever its upstream declares. */
export const EMULATED_TOOL_PARAMETERS = ['tools', 'tool_choice', 'parallel_tool_calls'] as const;

const wrapped = new WeakMap<ProviderAdapter, ProviderAdapter>();
const NATIVE_KEYS = 1_000_000;

export function emulateTools(inner: ProviderAdapter): ProviderAdapter {
  const hit = wrapped.get(inner);
  if (hit !== undefined) return hit;
  const adapter = new EmulatedTools(inner).adapter();
  wrapped.set(inner, adapter);
  return adapter;
}

interface PendingRetry {
  req: CanonicalRequest;
  first: CanonicalResponse;
  reader: ReplyReader;
  /** The first reply's text and calls, without the malformed blocks. */
  text: string;
  calls: ToolCall[];
}

const retryEnabled = (ctx: AdapterContext) => ctx.endpoint.tool_retry !== false && ctx.send !== undefined;

class EmulatedTools {
  /** The request of each attempt, for contexts the router did not put it in. */
  private readonly seen = new WeakMap<AdapterContext, CanonicalRequest>();
  /** Non-streaming answers that wait for their retry (completeResponse). */
  private readonly pending = new WeakMap<CanonicalResponse, PendingRetry>();

  constructor(private readonly inner: ProviderAdapter) {}

  adapter(): ProviderAdapter {
    const inner = this.inner;
    return {
      type: inner.type,
      defaultBaseUrl: inner.defaultBaseUrl,
      supportedParameters: [...new Set([...inner.supportedParameters, ...EMULATED_TOOL_PARAMETERS])],
      validateConfig: inner.validateConfig,
      buildRequest: (req, ctx) => {
        this.seen.set(ctx, req);
        return inner.buildRequest(req.tools !== undefined ? textOnlyRequest(req) : req, ctx);
      },
      sign: inner.sign?.bind(inner),
      parseResponse: (body, ctx) => this.parseResponse(body, ctx),
      completeResponse: (res, ctx) => this.completeResponse(res, ctx),
      createStreamParser: (ctx, emit) => this.createStreamParser(ctx, emit),
      parseError: (status, headers, body, ctx) => inner.parseError(status, headers, body, ctx),
    };
  }

  /** The request when its reply must be read for calls (tools present, tool_choice not none). */
  private parsing(ctx: AdapterContext): CanonicalRequest | undefined {
    const req = ctx.request ?? this.seen.get(ctx);
    return req?.tools !== undefined && req.toolChoice?.type !== 'none' ? req : undefined;
  }

  private parseResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
    const res = this.inner.parseResponse(body, ctx);
    const req = this.parsing(ctx);
    if (req === undefined || res.toolCalls.length > 0) return res;
    const text = res.content ?? '';
    const retry = retryEnabled(ctx);
    const held = readWhole(req, ctx, text, retry, 0);
    const plain = retry && held.reader.malformed.length > 0 ? readWhole(req, ctx, text, false, 0) : held;
    const out = answer(res, plain.reader, plain.text, plain.calls);
    if (plain !== held) this.pending.set(out, { req, first: res, reader: held.reader, text: held.text, calls: held.calls });
    return out;
  }

  private async completeResponse(res: CanonicalResponse, ctx: AdapterContext): Promise<CanonicalResponse> {
    const p = this.pending.get(res);
    if (p === undefined) return this.inner.completeResponse ? this.inner.completeResponse(res, ctx) : res;
    let second: CanonicalResponse;
    try {
      const r = await this.send(retryRequest(p.req, p.reader), ctx);
      const text = await r.body.text();
      if (r.status < 200 || r.status >= 300) return res;
      second = this.inner.parseResponse(JSON.parse(text), ctx);
    } catch {
      return res; // the retry is a bonus: when it fails, the first answer stands
    }
    const again = readWhole(p.req, ctx, second.content ?? '', false, p.reader.total);
    const content = [p.text, again.text].filter((t) => t !== '').join('\n');
    const merged = answer(second, again.reader, content, [...p.calls, ...again.calls]);
    merged.usage = addUsage(p.first.usage, second.usage);
    if (p.first.reasoning) merged.reasoning = [p.first.reasoning, second.reasoning].filter(Boolean).join('\n');
    return merged;
  }

  private createStreamParser(ctx: AdapterContext, emit: Emit): StreamParser {
    const req = this.parsing(ctx);
    if (req === undefined) return this.inner.createStreamParser(ctx, emit);
    const retry = retryEnabled(ctx);
    const out: ReaderOutput = {
      text: (text) => emit({ type: 'text', text }),
      call: (n, id, name, args) => {
        emit({ type: 'tool_call_start', index: n, id, name });
        emit({ type: 'tool_call_delta', index: n, arguments: args });
      },
    };
    let finish: { reason: CanonicalResponse['finishReason']; native: string | null } | undefined;
    let usage: CanonicalUsage | undefined;
    const round = (reader: ReplyReader) =>
      this.inner.createStreamParser(ctx, (e) => {
        if (e.type === 'text') reader.push(e.text);
        else if (e.type === 'finish') {
          reader.end();
          finish = { reason: e.reason, native: e.native };
        } else if (e.type === 'usage') usage = addUsage(usage, e.usage);
        // calls the upstream made natively after all: keys apart from the emulated calls' 0, 1, 2…
        else if (e.type === 'tool_call_start' || e.type === 'tool_call_delta') emit({ ...e, index: NATIVE_KEYS + e.index });
        else emit(e);
      });
    const first = new ReplyReader(req, ctx.generationId, out, retry);
    const parser = round(first);
    return {
      push: (bytes) => parser.push(bytes),
      end: async () => {
        await parser.end();
        first.end();
        let last = first;
        if (first.malformed.length > 0) {
          const second = new ReplyReader(req, ctx.generationId, out, false, first.total);
          // no retry after a reply that never finished: what it wrote stands
          if (finish !== undefined && (await this.streamRetry(req, first, ctx, () => round(second), () => (finish = undefined)))) {
            second.end();
            last = second;
          } else first.releaseMalformed();
        }
        last.close();
        if (finish === undefined) return; // the upstream never finished: the renderer reports it
        const calls = last.total;
        const asText = first.malformedAsText + (last === first ? 0 : last.malformedAsText);
        const reason = calls > 0 ? 'tool_calls' : asText > 0 && finish.reason !== 'length' ? 'stop' : finish.reason;
        emit({ type: 'finish', reason, native: finish.native });
        if (usage !== undefined) emit({ type: 'usage', usage });
      },
    };
  }

  /** Streams the retry through a fresh parser; false when it could not be made (the first reply stands). */
  private async streamRetry(req: CanonicalRequest, first: ReplyReader, ctx: AdapterContext, parser: () => StreamParser, reset: () => void): Promise<boolean> {
    let res: UpstreamExchange;
    try {
      res = await this.send(retryRequest(req, first), ctx);
    } catch {
      return false;
    }
    if (res.status < 200 || res.status >= 300) {
      await res.body.text().catch(() => '');
      return false;
    }
    reset();
    const p = parser();
    try {
      for await (const chunk of res.body) p.push(chunk);
      await p.end();
    } catch {
      /* a broken retry stream ends here; what arrived stands */
    } finally {
      res.body.destroy();
    }
    return true;
  }

  private async send(req: CanonicalRequest, ctx: AdapterContext): Promise<UpstreamExchange> {
    let up = this.inner.buildRequest(textOnlyRequest(req), ctx);
    if (this.inner.sign !== undefined) up = await this.inner.sign(up, ctx);
    return ctx.send!(up);
  }
}

/** The conversation so far, the model's reply as it wrote it, and what was wrong with it. */
function retryRequest(req: CanonicalRequest, reader: ReplyReader): CanonicalRequest {
  const messages = [
    ...req.messages,
    { role: 'assistant' as const, content: reader.raw },
    { role: 'user' as const, content: retryMessage(reader.malformed.map((m) => m.error), reader.acceptedNames) },
  ];
  return { ...req, messages, body: { ...req.body, messages } };
}

function readWhole(req: CanonicalRequest, ctx: AdapterContext, text: string, holdMalformed: boolean, base: number) {
  let out = '';
  const calls: ToolCall[] = [];
  const reader = new ReplyReader(req, ctx.generationId, {
    text: (t) => (out += t),
    call: (_n, id, name, args) => calls.push({ id, type: 'function', function: { name, arguments: args } }),
  }, holdMalformed, base);
  reader.push(text);
  reader.end();
  reader.close();
  return { reader, text: out, calls };
}

function answer(res: CanonicalResponse, reader: ReplyReader, text: string, calls: ToolCall[]): CanonicalResponse {
  const finishReason = calls.length > 0 ? 'tool_calls' : reader.malformedAsText > 0 && res.finishReason !== 'length' ? 'stop' : res.finishReason;
  return { ...res, content: text === '' ? (calls.length > 0 ? null : res.content === null ? null : '') : text, toolCalls: calls, finishReason };
}

function addUsage(a: CanonicalUsage | undefined, b: CanonicalUsage | undefined): CanonicalUsage | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const sum: CanonicalUsage = { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
  for (const k of ['cachedTokens', 'cacheWriteTokens', 'reasoningTokens'] as const) {
    const v = (a[k] ?? 0) + (b[k] ?? 0);
    if (v > 0) sum[k] = v;
  }
  return sum;
}
