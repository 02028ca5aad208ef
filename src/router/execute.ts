/**
 * The attempt loop: model → candidate endpoints → try each until one answers. A failure before
 * the first byte reaches the client (connect error, timeout, 408/429/5xx, reset, an error event
 * before any content) moves on to the next endpoint or model; a 4xx request error does not;
 * after streaming began there is no silent switch: the client gets the error chunk.
 */
import type { CanonicalRequest } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import type { ChatResponse } from '../schema/types.js';
import type { AdapterContext } from '../providers/types.js';
import { renderResponse, StreamRenderer, type ResponseMeta } from '../server/render.js';
import type { Candidate, Catalog } from './catalog.js';
import { unsupportedParameters, withoutParameters } from './restrict.js';
import { transportError, type UpstreamClient } from './upstream.js';

export interface Attempt {
  provider: string;
  model: string;
  upstreamModel: string;
  status: number | null;
  error?: string;
  latencyMs: number;
}

/** Where a stream's frames go. `committed` is true once headers (or a keep-alive comment) went out. */
export interface StreamSink {
  write(frame: string): void;
  readonly committed: boolean;
}

export interface ChatResult {
  attempts: Attempt[];
  /** The endpoint that served (or the last one tried). */
  served?: Candidate;
  /** Non-streaming: the response to send. */
  response?: ChatResponse;
  /** Streaming: the renderer, with finish reason, usage and error of what was sent. */
  stream?: StreamRenderer;
  /** The time the first byte of content was produced (ms since epoch). */
  firstTokenAt?: number;
  cancelled: boolean;
}

export interface ChatOptions {
  generationId: string;
  signal: AbortSignal;
  /** Present for streaming requests. */
  sink?: StreamSink;
}

/** Orders and filters the endpoints of one model for one request (routing preferences plug in here). */
export type CandidatePlanner = (req: CanonicalRequest, candidates: readonly Candidate[]) => { candidates: Candidate[]; excluded: string[] };

export const configOrderPlanner: CandidatePlanner = (req, candidates) => {
  const requireAll = req.body.provider?.require_parameters === true;
  const excluded: string[] = [];
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const missing = unsupportedParameters(req, c.endpoint.supported_parameters);
    if (requireAll && missing.length > 0) excluded.push(`${c.provider.name} (${c.endpoint.model}) lacks ${missing.join(', ')}`);
    else kept.push(c);
  }
  return { candidates: kept, excluded };
};

export class Router {
  constructor(
    readonly catalog: Catalog,
    readonly upstream: UpstreamClient,
    private readonly planner: CandidatePlanner = configOrderPlanner,
  ) {}

  /** The model ids to try, in order: `model`, then `models` (deduplicated). */
  modelsFor(req: CanonicalRequest): string[] {
    const ids: string[] = [];
    if (typeof req.body.model === 'string' && req.body.model !== '') ids.push(req.body.model);
    for (const m of req.body.models ?? []) if (!ids.includes(m)) ids.push(m);
    return ids;
  }

  async chat(req: CanonicalRequest, opts: ChatOptions): Promise<ChatResult> {
    const result: ChatResult = { attempts: [], cancelled: false };
    const ids = this.modelsFor(req);
    const known = ids.map((id) => ({ id, model: this.catalog.model(id) })).filter((x) => x.model !== undefined);
    if (known.length === 0) {
      throw new GatewayError(404, `model "${ids[0]}" not found; GET /api/v1/models lists the models this gateway serves`, {
        metadata: { error_type: 'not_found', availability: { code: 'model_not_found' } },
        retryable: false,
      });
    }
    const allowFallbacks = req.body.provider?.allow_fallbacks !== false;
    let lastError: GatewayError | undefined;
    const excludedAll: string[] = [];
    for (const { id, model } of known) {
      const plan = this.planner(req, this.catalog.endpointsOf(model!));
      excludedAll.push(...plan.excluded);
      for (const cand of plan.candidates) {
        if (opts.signal.aborted) {
          result.cancelled = true;
          return result;
        }
        result.served = cand;
        const err = await this.attempt(id, cand, req, opts, result);
        if (err === undefined) return result;
        if (result.cancelled) return result;
        lastError = err;
        if (!err.retryable || !allowFallbacks || result.stream?.started) return this.finalFailure(err, result, opts);
      }
      if (!allowFallbacks && lastError !== undefined) break;
    }
    if (lastError === undefined) {
      throw new GatewayError(404, `no endpoint of ${known.map((k) => `"${k.id}"`).join(', ')} can serve this request: ${excludedAll.join('; ')}`, {
        metadata: { error_type: 'not_found', availability: { code: 'constraint_filtered', excluded_by: ['require_parameters'] }, excluded: excludedAll },
        retryable: false,
      });
    }
    return this.finalFailure(lastError, result, opts);
  }

  private finalFailure(err: GatewayError, result: ChatResult, opts: ChatOptions): ChatResult {
    if (opts.sink?.committed && result.served !== undefined) {
      // headers already went out (keep-alive comments): the error can only be a chunk now
      const r = result.stream ?? new StreamRenderer(metaFor(result.served, opts, result.served.model.id, undefined), (f) => opts.sink!.write(f));
      result.stream = r;
      r.fail(err);
      return result;
    }
    if (err.metadata !== undefined && result.attempts.length > 1) {
      throw new GatewayError(err.status, err.message, {
        metadata: { ...err.metadata, attempts: result.attempts.map(({ provider, status, error }) => ({ provider, status, error })) },
        retryable: err.retryable,
        retryAfterMs: err.retryAfterMs,
        headers: err.headers,
      });
    }
    throw err;
  }

  /** One try against one endpoint. Returns undefined on success, the error otherwise. */
  private async attempt(modelId: string, cand: Candidate, full: CanonicalRequest, opts: ChatOptions, result: ChatResult): Promise<GatewayError | undefined> {
    const started = Date.now();
    const record: Attempt = { provider: cand.provider.name, model: modelId, upstreamModel: cand.endpoint.model, status: null, latencyMs: 0 };
    result.attempts.push(record);
    const fail = (e: GatewayError) => {
      record.status = e.status;
      record.error = e.message;
      record.latencyMs = Date.now() - started;
      return e;
    };
    const req = withoutParameters(full, unsupportedParameters(full, cand.endpoint.supported_parameters));
    const ctx: AdapterContext = { provider: cand.provider, endpoint: cand.endpoint, generationId: opts.generationId };
    let upstreamReq;
    try {
      upstreamReq = cand.adapter.buildRequest(req, ctx);
      if (cand.adapter.sign !== undefined) upstreamReq = await cand.adapter.sign(upstreamReq, ctx);
    } catch (e) {
      return fail(e instanceof GatewayError ? e : new GatewayError(500, `request translation failed: ${(e as Error).message}`, { retryable: false }));
    }
    let res;
    try {
      res = await this.upstream.send(upstreamReq, { signal: opts.signal, timeoutMs: cand.provider.timeout_ms, providerName: cand.provider.name });
    } catch (e) {
      const err = transportError(e, cand.provider.name);
      if (opts.signal.aborted) result.cancelled = true;
      return fail(err);
    }
    record.status = res.status;
    if (res.status < 200 || res.status >= 300) {
      let text = '';
      try {
        text = await res.body.text();
      } catch {
        /* body lost: the status is enough */
      }
      return fail(cand.adapter.parseError(res.status, res.headers, text, ctx));
    }
    const meta = metaFor(cand, opts, modelId, full.reasoning?.exclude);
    const out = opts.sink === undefined
      ? await this.readJson(res.body, cand, ctx, meta, result, fail, opts)
      : await this.readStream(res.body, cand, ctx, meta, result, fail, opts);
    record.latencyMs = Date.now() - started;
    return out;
  }

  private async readJson(
    body: AsyncIterable<Uint8Array> & { text(): Promise<string> },
    cand: Candidate,
    ctx: AdapterContext,
    meta: ResponseMeta,
    result: ChatResult,
    fail: (e: GatewayError) => GatewayError,
    opts: ChatOptions,
  ): Promise<GatewayError | undefined> {
    let text: string;
    try {
      text = await body.text();
    } catch (e) {
      if (opts.signal.aborted) result.cancelled = true;
      return fail(transportError(e, cand.provider.name));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(new GatewayError(502, `[${cand.provider.name}] upstream returned invalid JSON`, {
        metadata: { provider_name: cand.provider.name, raw: text.slice(0, 2000), error_type: 'provider_unavailable' },
      }));
    }
    try {
      const canonical = cand.adapter.parseResponse(json, ctx);
      result.response = renderResponse(canonical, meta);
      result.firstTokenAt = Date.now();
      return undefined;
    } catch (e) {
      return fail(e instanceof GatewayError ? e : new GatewayError(502, `[${cand.provider.name}] could not read the upstream response: ${(e as Error).message}`, { metadata: { provider_name: cand.provider.name, raw: text.slice(0, 2000) } }));
    }
  }

  private async readStream(
    body: AsyncIterable<Uint8Array> & { destroy(err?: Error): unknown },
    cand: Candidate,
    ctx: AdapterContext,
    meta: ResponseMeta,
    result: ChatResult,
    fail: (e: GatewayError) => GatewayError,
    opts: ChatOptions,
  ): Promise<GatewayError | undefined> {
    const sink = opts.sink!;
    const renderer = new StreamRenderer(meta, (f) => {
      if (result.firstTokenAt === undefined) result.firstTokenAt = Date.now();
      sink.write(f);
    });
    result.stream = renderer;
    let early: GatewayError | undefined;
    const parser = cand.adapter.createStreamParser(ctx, (e) => {
      if (e.type === 'error' && !renderer.started) {
        early ??= e.error;
        return;
      }
      renderer.event(e);
    });
    try {
      for await (const chunk of body) {
        parser.push(chunk);
        if (early !== undefined || renderer.finished) break;
      }
      if (early === undefined && !renderer.finished) parser.end();
    } catch (e) {
      if (opts.signal.aborted) {
        result.cancelled = true;
        return fail(transportError(e, cand.provider.name));
      }
      const err = transportError(e, cand.provider.name);
      if (!renderer.started) {
        result.stream = undefined;
        return fail(err);
      }
      renderer.fail(err);
      fail(err);
      return undefined;
    } finally {
      body.destroy();
    }
    if (early !== undefined) {
      result.stream = undefined;
      return fail(early);
    }
    if (!renderer.finished) {
      if (!renderer.started && renderer.finishReason === undefined) {
        result.stream = undefined;
        return fail(new GatewayError(502, `[${cand.provider.name}] upstream closed the stream before sending anything`, {
          metadata: { provider_name: cand.provider.name, error_type: 'provider_unavailable' },
        }));
      }
      renderer.end();
    }
    if (renderer.error !== undefined) fail(renderer.error);
    return undefined;
  }
}

function metaFor(cand: Candidate, opts: ChatOptions, modelId: string, exclude: boolean | undefined): ResponseMeta {
  return {
    id: opts.generationId,
    created: Math.floor(Date.now() / 1000),
    model: modelId,
    provider: cand.provider.name,
    pricing: cand.endpoint.pricing,
    excludeReasoning: exclude === true,
  };
}
