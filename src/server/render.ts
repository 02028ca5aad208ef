/**
 * The edge renderer: canonical responses and stream events → OpenRouter JSON and SSE frames.
 * The one place that knows the public response shapes (spec §0, §2, §3), so every provider
 * produces byte-for-byte the same structure.
 */
import type { CanonicalResponse, CanonicalUsage, StreamEvent } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import type { ChatResponse, FinishReason, ReasoningDetail, Usage } from '../schema/types.js';
import type { Pricing } from '../providers/types.js';

export interface ResponseMeta {
  id: string;
  created: number;
  /** The model id the client asked for (after fallbacks: the one that served). */
  model: string;
  /** Provider name reported to the client. */
  provider: string;
  pricing: Pricing;
  /** reasoning.exclude: reason, but keep it out of the response. */
  excludeReasoning: boolean;
}

/** Public usage object with cost computed from the endpoint's pricing (USD per token strings). */
export function renderUsage(u: CanonicalUsage | undefined, pricing: Pricing): Usage {
  const prompt = u?.promptTokens ?? 0;
  const completion = u?.completionTokens ?? 0;
  const cached = u?.cachedTokens ?? 0;
  const written = u?.cacheWriteTokens ?? 0;
  const p = Number(pricing.prompt);
  const c = Number(pricing.completion);
  const read = pricing.input_cache_read !== undefined ? Number(pricing.input_cache_read) : p;
  const write = pricing.input_cache_write !== undefined ? Number(pricing.input_cache_write) : p;
  const promptCost = Math.max(0, prompt - cached - written) * p + cached * read + written * write;
  const completionCost = completion * c;
  const request = pricing.request !== undefined ? Number(pricing.request) : 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cost: roundCost(promptCost + completionCost + request),
    is_byok: false,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
    cost_details: {
      upstream_inference_cost: roundCost(promptCost + completionCost + request),
      upstream_inference_prompt_cost: roundCost(promptCost),
      upstream_inference_completions_cost: roundCost(completionCost),
    },
  };
  if (written > 0) usage.prompt_tokens_details!.cache_write_tokens = written;
  return usage;
}

const roundCost = (x: number) => Math.round(x * 1e12) / 1e12;

/** A number as JSON.stringify writes it. */
const num = (x: number) => (Number.isFinite(x) ? `${x}` : 'null');

/**
 * `JSON.stringify(u)` of a `renderUsage` result, built as a template: the same text, key order
 * included (render.test.ts compares them), about 6× cheaper than JSON.stringify of the nested object.
 */
function usageJson(u: Usage): string {
  const p = u.prompt_tokens_details;
  const c = u.cost_details;
  const written = p?.cache_write_tokens !== undefined ? `,"cache_write_tokens":${num(p.cache_write_tokens)}` : '';
  return (
    `{"prompt_tokens":${num(u.prompt_tokens)},"completion_tokens":${num(u.completion_tokens)},"total_tokens":${num(u.total_tokens)},"cost":${num(u.cost!)},"is_byok":${u.is_byok!}` +
    `,"prompt_tokens_details":{"cached_tokens":${num(p!.cached_tokens!)}${written}},"completion_tokens_details":{"reasoning_tokens":${num(u.completion_tokens_details!.reasoning_tokens!)}}` +
    `,"cost_details":{"upstream_inference_cost":${num(c!.upstream_inference_cost!)},"upstream_inference_prompt_cost":${num(c!.upstream_inference_prompt_cost!)},"upstream_inference_completions_cost":${num(c!.upstream_inference_completions_cost!)}}}`
  );
}

/**
 * `JSON.stringify(r)` of a `renderResponse` result, the same text (render.test.ts compares them):
 * the fixed members written as a template, `choices` through JSON.stringify, the usage through
 * usageJson. JSON.stringify of the whole object spent most of its time on the usage's three nested
 * objects and four doubles: 3.8 against 2.4 µs per tool-call answer (2.8 where the cost differs
 * per answer; bench/micro/response-json.ts).
 */
export function responseJson(r: ChatResponse): string {
  return (
    `{"id":${JSON.stringify(r.id)},"object":"chat.completion","created":${num(r.created)},"model":${JSON.stringify(r.model)},"provider":${JSON.stringify(r.provider)}` +
    `,"system_fingerprint":${JSON.stringify(r.system_fingerprint)},"choices":${JSON.stringify(r.choices)},"usage":${usageJson(r.usage)}}`
  );
}

export function renderResponse(res: CanonicalResponse, meta: ResponseMeta): ChatResponse {
  let finish: FinishReason = res.finishReason;
  if (res.toolCalls.length > 0 && finish === 'stop') finish = 'tool_calls';
  const message: ChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: res.content === '' && res.toolCalls.length > 0 ? null : res.content,
    refusal: res.refusal ?? null,
    reasoning: meta.excludeReasoning ? null : res.reasoning ?? null,
  };
  if (!meta.excludeReasoning && res.reasoningDetails !== undefined && res.reasoningDetails.length > 0) message.reasoning_details = res.reasoningDetails;
  if (res.toolCalls.length > 0) message.tool_calls = res.toolCalls;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    provider: meta.provider,
    system_fingerprint: null,
    choices: [{ index: 0, finish_reason: finish, native_finish_reason: res.nativeFinishReason, logprobs: null, message }],
    usage: renderUsage(res.usage, meta.pricing),
  };
}

/**
 * Renders canonical stream events as `data: {chunk}\n\n` frames. Numbers tool calls densely,
 * puts `role` on the first delta, forces `tool_calls` as the finish reason when calls were made,
 * gives zero-argument calls `{}`, and ends with the finish chunk, one usage chunk and `[DONE]`.
 * It holds nothing back: each event is written as soon as it arrives.
 */
export class StreamRenderer {
  /** `data: {"id":…,"object":…,"created":…,"model":…,"provider":…` of every chunk, built once. */
  private readonly head: string;
  private readonly prefix: string;
  private readonly toolIndex = new Map<number, number>();
  private readonly argsSeen: boolean[] = [];
  private roleSent = false;
  private done = false;
  finishReason: FinishReason | undefined;
  nativeFinishReason: string | null = null;
  usage: CanonicalUsage | undefined;
  /** The usage (with cost) of the usage chunk, once `end()` wrote it. */
  sentUsage: Usage | undefined;
  error: GatewayError | undefined;
  upstreamId: string | undefined;
  /** Whether any data chunk (not a comment) was written. */
  started = false;
  /** Characters generated so far: content, reasoning, tool-call arguments (for estimates when the upstream reports no usage). */
  outputChars = 0;

  constructor(
    private readonly meta: ResponseMeta,
    private readonly write: (frame: string) => void,
  ) {
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"provider":${JSON.stringify(meta.provider)}`;
    this.prefix = `${this.head},"choices":[{"index":0,"delta":`;
  }

  get finished(): boolean {
    return this.done;
  }

  event(e: StreamEvent): void {
    if (this.done) return;
    switch (e.type) {
      case 'meta':
        this.upstreamId = e.upstreamId;
        return;
      case 'text':
        this.outputChars += e.text.length;
        this.delta(`"content":${JSON.stringify(e.text)}`);
        return;
      case 'refusal':
        this.delta(`"refusal":${JSON.stringify(e.text)}`);
        return;
      case 'reasoning': {
        this.outputChars += e.text?.length ?? 0;
        if (this.meta.excludeReasoning) return;
        let d = '';
        if (e.text !== undefined && e.text !== '') d = `"reasoning":${JSON.stringify(e.text)}`;
        if (e.detail !== undefined) d += `${d === '' ? '' : ','}"reasoning_details":[${JSON.stringify(withIndex(e.detail))}]`;
        if (d !== '') this.delta(d);
        return;
      }
      case 'tool_call_start': {
        let idx = this.toolIndex.get(e.index);
        if (idx !== undefined) return; // duplicate start for the same call
        idx = this.toolIndex.size;
        this.toolIndex.set(e.index, idx);
        this.argsSeen[idx] = false;
        this.delta(`"tool_calls":[{"index":${idx},"id":${JSON.stringify(e.id)},"type":"function","function":{"name":${JSON.stringify(e.name)},"arguments":""}}]`);
        return;
      }
      case 'tool_call_delta': {
        const idx = this.toolIndex.get(e.index);
        if (idx === undefined || e.arguments === '') return;
        this.outputChars += e.arguments.length;
        this.argsSeen[idx] = true;
        this.delta(`"tool_calls":[{"index":${idx},"function":{"arguments":${JSON.stringify(e.arguments)}}}]`);
        return;
      }
      case 'finish': {
        if (this.finishReason !== undefined) return;
        this.closeToolCalls();
        let reason = e.reason;
        if (this.toolIndex.size > 0 && reason === 'stop') reason = 'tool_calls';
        this.finishReason = reason;
        this.nativeFinishReason = e.native;
        const roleField = this.roleSent ? '' : '"role":"assistant"';
        this.roleSent = true;
        this.started = true;
        this.write(`${this.prefix}{${roleField}},"finish_reason":"${reason}","native_finish_reason":${JSON.stringify(e.native)}}]}\n\n`);
        return;
      }
      case 'usage':
        this.usage = e.usage;
        return;
      case 'error':
        this.fail(e.error);
        return;
    }
  }

  /** The upstream stream ended cleanly. Writes usage and [DONE]; a stream without finish is an error. */
  end(): void {
    if (this.done) return;
    if (this.finishReason === undefined) {
      this.fail(new GatewayError(502, `[${this.meta.provider}] upstream closed the stream before it finished`, {
        metadata: { provider_name: this.meta.provider, error_type: 'provider_unavailable' },
      }));
      return;
    }
    this.done = true;
    const usage = renderUsage(this.usage, this.meta.pricing);
    this.sentUsage = usage;
    this.write(`${this.head},"choices":[],"usage":${usageJson(usage)}}\n\ndata: [DONE]\n\n`);
  }

  /** Ends the stream with an error chunk (finish_reason "error") and [DONE]. */
  fail(err: GatewayError): void {
    if (this.done) return;
    this.done = true;
    this.error = err;
    this.finishReason = 'error';
    this.nativeFinishReason = 'error';
    const body = err.toBody().error;
    this.started = true;
    this.write(
      `${this.head},"error":${JSON.stringify(body)},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error","native_finish_reason":"error"}]}\n\ndata: [DONE]\n\n`,
    );
  }

  private delta(fields: string): void {
    this.started = true;
    if (!this.roleSent) {
      this.roleSent = true;
      fields = `"role":"assistant",${fields}`;
    }
    this.write(`${this.prefix}{${fields}},"finish_reason":null,"native_finish_reason":null}]}\n\n`);
  }

  private closeToolCalls(): void {
    for (let i = 0; i < this.argsSeen.length; i++) {
      if (this.argsSeen[i]) continue;
      this.argsSeen[i] = true;
      this.delta(`"tool_calls":[{"index":${i},"function":{"arguments":"{}"}}]`);
    }
  }
}

function withIndex(d: ReasoningDetail): ReasoningDetail {
  return d.index === undefined ? { ...d, index: 0 } : d;
}
