/**
 * The attempt loop: model → planner (router/planner.ts) → try each endpoint until one answers.
 * A failure before the first byte reaches the client (connect error, timeout, 408/429/5xx, reset,
 * an error event before any content) moves on to the next endpoint, then the next model of
 * `models`; a 4xx request error does not; after streaming began there is no silent switch: the
 * client gets the error chunk. Endpoints that answered with a short retry-after (at most
 * `routing.max_retry_wait_ms`) are tried again once it has passed, in up to
 * `routing.max_retry_rounds` rounds, while the total deadline
 * (`routing.deadline_ms` since arrival) allows. Each attempt's outcome goes to the plan's
 * `report` (endpoint health).
 */
import type { CanonicalRequest } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import type { ChatResponse } from '../schema/types.js';
import type { AdapterContext, UpstreamBody, UpstreamExchange, UpstreamRequest } from '../providers/types.js';
import { renderResponse, StreamRenderer, type ResponseMeta } from '../server/render.js';
import type { Candidate, Catalog } from './catalog.js';
import type { ModelConfig } from '../config/types.js';
import type { AttemptOutcome } from './health.js';
import { MemoryHealth } from './health.js';
import { routingOptions, type RoutingOptions } from './options.js';
import { createPlanner } from './planner.js';
import { unsupportedParameters, withoutParameters } from './restrict.js';
import { transportError, type UpstreamClient } from './upstream.js';

export interface Attempt {
  provider: string;
  model: string;
  upstreamModel: string;
  status: number | null;
  error?: string;
  latencyMs: number;
  /** When the attempt began (ms since epoch). */
  startedAt?: number;
  /** The upstream's retry-after, when it sent one. */
  retryAfterMs?: number;
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
  /** The model id that served (after `models` fallback), or the last one tried. */
  servedModel?: string;
  /** Non-streaming: the response to send. */
  response?: ChatResponse;
  /** Streaming: the renderer, with finish reason, usage and error of what was sent. */
  stream?: StreamRenderer;
  /** The upstream's own response id. */
  upstreamId?: string;
  /** The time the first byte of content was produced (ms since epoch). */
  firstTokenAt?: number;
  cancelled: boolean;
}

export interface ChatOptions {
  generationId: string;
  signal: AbortSignal;
  /** Present for streaming requests. */
  sink?: StreamSink;
  /** When the request arrived (the deadline counts from here); default now. */
  startedAt?: number;
}

/** The endpoints to try for one model, in order, and why the others were left out. */
export interface Plan {
  candidates: Candidate[];
  /** Human-readable reasons, one per excluded endpoint. */
  excluded: string[];
  /** `availability.excluded_by` codes of the exclusions. */
  excludedBy?: string[];
  /** Told the outcome of each attempt (health tracking). */
  report?(candidate: Candidate, outcome: AttemptOutcome): void;
}

/** Orders and filters the endpoints of one model for one request (routing preferences plug in here). */
export type CandidatePlanner = (req: CanonicalRequest, candidates: readonly Candidate[], ctx?: { modelId: string }) => Plan | Promise<Plan>;

/** The plain planner: config order, require_parameters only. */
export const configOrderPlanner: CandidatePlanner = (req, candidates) => {
  const requireAll = req.body.provider?.require_parameters === true;
  const excluded: string[] = [];
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const missing = unsupportedParameters(req, c.endpoint.supported_parameters);
    if (requireAll && missing.length > 0) excluded.push(`${c.provider.name} (${c.endpoint.model}) lacks ${missing.join(', ')}`);
    else kept.push(c);
  }
  return { candidates: kept, excluded, excludedBy: excluded.length > 0 ? ['require_parameters'] : [] };
};

/** An upstream's "prompt too long for this model" (OpenAI, Anthropic, Gemini, vLLM wordings). */
const CONTEXT_LENGTH = /context.length|context window|maximum context|prompt is too long|too many (input )?tokens|input token count/i;

/**
 * May another endpoint succeed where this one failed? Retryable failures, upstream credential
 * errors (the endpoint's, not the request's) and context-length errors (another model or
 * endpoint may have a longer context: spec §1.1 lists them as a reason for `models` fallback).
 */
function canMoveOn(err: GatewayError): boolean {
  const upstream = err.metadata?.upstream_status;
  if (err.retryable || upstream === 401 || upstream === 403) return true;
  return err.status === 400 && (err.metadata?.error_type === 'context_length_exceeded' || (upstream === 400 && CONTEXT_LENGTH.test(err.message)));
}

const failedResults = new WeakMap<GatewayError, ChatResult>();
const withResult = (err: GatewayError, result: ChatResult) => (failedResults.set(err, result), err);

/** The attempts (and last endpoint) behind an error Router.chat threw, for the generation log. */
export function resultOfError(err: GatewayError | undefined): ChatResult | undefined {
  return err === undefined ? undefined : failedResults.get(err);
}

interface Pending {
  modelId: string;
  cand: Candidate;
  plan: Plan;
  /** Not before (ms since epoch). */
  at: number;
}

export class Router {
  readonly options: RoutingOptions;
  private readonly planner: CandidatePlanner;

  /** Without a planner: the routing planner (preferences, load balancing, breaker) over in-process health. */
  constructor(
    readonly catalog: Catalog,
    readonly upstream: UpstreamClient,
    planner?: CandidatePlanner,
    options?: RoutingOptions,
  ) {
    this.options = options ?? routingOptions(catalog.config.raw.routing);
    this.planner = planner ?? createPlanner({ health: new MemoryHealth(this.options.health) });
  }

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
    const known: { id: string; model: ModelConfig }[] = [];
    for (const id of ids) {
      const model = this.catalog.model(id);
      if (model !== undefined) known.push({ id, model });
    }
    if (known.length === 0) {
      throw new GatewayError(404, `model "${ids[0]}" not found; GET /api/v1/models lists the models this gateway serves`, {
        metadata: { error_type: 'not_found', availability: { code: 'model_not_found', requested_models: ids } },
        retryable: false,
      });
    }
    const deadline = (opts.startedAt ?? Date.now()) + this.options.deadlineMs;
    let lastError: GatewayError | undefined;
    const excludedAll: string[] = [];
    const excludedBy: string[] = [];
    const pending: Pending[] = [];
    // each try is awaited right here (no helper closure between this loop and the attempt: one
    // async frame and one promise less per request)
    for (const { id, model } of known) {
      const planned = this.planner(req, this.catalog.endpointsOf(model), { modelId: id });
      const plan = planned instanceof Promise ? await planned : planned;
      if (plan.excluded.length > 0) excludedAll.push(...plan.excluded);
      for (const b of plan.excludedBy ?? []) if (!excludedBy.includes(b)) excludedBy.push(b);
      for (const cand of plan.candidates) {
        if (shouldStop(result, opts, lastError, deadline)) return this.finish(lastError, result, opts);
        const err = await this.attempt(id, cand, req, opts, result, plan);
        lastError = err ?? lastError;
        if (this.settled(err, result, id, cand, plan, pending)) return this.finish(lastError, result, opts);
      }
    }
    // endpoints that asked us to come back later, while the deadline allows
    for (let round = 0; round < this.options.maxRetryRounds && pending.length > 0; round++) {
      const batch = pending.splice(0).sort((a, b) => a.at - b.at);
      for (const p of batch) {
        if (p.at > deadline || shouldStop(result, opts, lastError, deadline)) return this.finish(lastError, result, opts);
        if (!(await sleep(p.at - Date.now(), opts.signal))) {
          result.cancelled = true;
          return result;
        }
        const err = await this.attempt(p.modelId, p.cand, req, opts, result, p.plan);
        lastError = err ?? lastError;
        if (this.settled(err, result, p.modelId, p.cand, p.plan, pending)) return this.finish(lastError, result, opts);
      }
    }
    if (lastError === undefined) {
      if (result.cancelled || opts.signal.aborted) return { ...result, cancelled: true };
      throw new GatewayError(404, `no endpoint of ${known.map((k) => `"${k.id}"`).join(', ')} can serve this request: ${excludedAll.join('; ') || 'no endpoints configured'}`, {
        metadata: {
          error_type: 'not_found',
          availability: { code: 'constraint_filtered', retryable: false, requested_models: known.map((k) => k.id), excluded_by: excludedBy },
          excluded: excludedAll,
        },
        retryable: false,
      });
    }
    return this.finalFailure(lastError, result, opts);
  }

  /**
   * After a try: is the request settled (answered, cancelled, or failed in a way no other endpoint
   * can mend: a request error, or a stream already begun)? An endpoint that asked to be retried
   * soon enough is queued in `pending` for the retry rounds.
   */
  private settled(err: GatewayError | undefined, result: ChatResult, modelId: string, cand: Candidate, plan: Plan, pending: Pending[]): boolean {
    if (err === undefined || result.cancelled || !canMoveOn(err) || result.stream?.started) return true;
    if (err.retryAfterMs !== undefined && err.retryAfterMs <= this.options.maxRetryWaitMs) pending.push({ modelId, cand, plan, at: Date.now() + err.retryAfterMs });
    return false;
  }

  /** The loop ended: success, cancel, or the last error. */
  private finish(lastError: GatewayError | undefined, result: ChatResult, opts: ChatOptions): ChatResult {
    if (result.cancelled || result.response !== undefined || result.stream !== undefined || lastError === undefined) return result;
    return this.finalFailure(lastError, result, opts);
  }

  private finalFailure(err: GatewayError, result: ChatResult, opts: ChatOptions): ChatResult {
    if (opts.sink?.committed && result.served !== undefined) {
      // headers already went out (keep-alive comments): the error can only be a chunk now
      const r = result.stream ?? new StreamRenderer(metaFor(result.served, opts, result.servedModel ?? result.served.model.id, undefined), (f) => opts.sink!.write(f));
      result.stream = r;
      r.fail(err);
      return result;
    }
    if (result.attempts.length > 1) {
      throw withResult(new GatewayError(err.status, err.message, {
        metadata: { ...err.metadata, attempts: result.attempts.map(({ provider, model, status, error }) => ({ provider, model, status, error })) },
        retryable: err.retryable,
        retryAfterMs: err.retryAfterMs,
        headers: err.headers,
      }), result);
    }
    throw withResult(err, result);
  }

  /**
   * One try against one endpoint: translate, send, read the answer (JSON or stream), and report
   * the outcome to the plan. Returns undefined on success, the error otherwise (also noted on
   * the attempt's record). One async function from the request to the upstream's head.
   */
  private async attempt(modelId: string, cand: Candidate, full: CanonicalRequest, opts: ChatOptions, result: ChatResult, plan: Plan): Promise<GatewayError | undefined> {
    result.served = cand;
    result.servedModel = modelId;
    const started = Date.now();
    const record: Attempt = { provider: cand.provider.name, model: modelId, upstreamModel: cand.endpoint.model, status: null, latencyMs: 0, startedAt: started };
    result.attempts.push(record);
    const firstBefore = result.firstTokenAt;
    const req = withoutParameters(full, unsupportedParameters(full, cand.endpoint.supported_parameters));
    const sendOpts = { signal: opts.signal, timeoutMs: cand.provider.timeout_ms, providerName: cand.provider.name };
    const ctx: AdapterContext = { provider: cand.provider, endpoint: cand.endpoint, generationId: opts.generationId, request: req, send: (r) => this.upstream.send(r, sendOpts) };
    // three steps, each run only when the one before succeeded: translate, send, read the answer
    let out: GatewayError | undefined;
    let upstreamReq: UpstreamRequest | undefined;
    try {
      const built = cand.adapter.buildRequest(req, ctx);
      upstreamReq = cand.adapter.sign === undefined ? built : await cand.adapter.sign(built, ctx);
    } catch (e) {
      out = failed(record, e instanceof GatewayError ? e : new GatewayError(500, `request translation failed: ${(e as Error).message}`, { retryable: false }));
    }
    let res: UpstreamExchange | undefined;
    if (upstreamReq !== undefined) {
      try {
        res = await this.upstream.send(upstreamReq, sendOpts);
      } catch (e) {
        if (opts.signal.aborted) result.cancelled = true;
        out = failed(record, transportError(e, cand.provider.name));
      }
    }
    if (res !== undefined) {
      record.status = res.status;
      if (res.status < 200 || res.status >= 300) out = failed(record, await upstreamError(res, cand, ctx));
      else {
        const meta = metaFor(cand, opts, modelId, full.reasoning?.exclude);
        out = await (opts.sink === undefined ? this.readJson(res.body, cand, ctx, meta, result, record, opts) : this.readStream(res.body, cand, ctx, meta, result, record, opts));
      }
    }
    const ended = Date.now();
    record.latencyMs = ended - started;
    if (result.cancelled || opts.signal.aborted) return out;
    const renderError = result.stream?.error;
    if (out === undefined && renderError === undefined) {
      const first = result.firstTokenAt !== firstBefore && result.firstTokenAt !== undefined ? result.firstTokenAt : ended;
      const completion = result.response?.usage.completion_tokens ?? result.stream?.usage?.completionTokens;
      const span = (opts.sink === undefined ? ended - started : ended - first) / 1000;
      plan.report?.(cand, {
        ok: true,
        at: ended,
        latencyMs: first - started,
        throughput: completion !== undefined && completion > 0 && span > 0.001 ? completion / span : undefined,
      });
    } else if (renderError !== undefined || (out !== undefined && canMoveOn(out))) {
      plan.report?.(cand, { ok: false, at: ended, retryAfterMs: (out ?? renderError)?.retryAfterMs });
    }
    return out;
  }

  private async readJson(
    body: UpstreamBody,
    cand: Candidate,
    ctx: AdapterContext,
    meta: ResponseMeta,
    result: ChatResult,
    record: Attempt,
    opts: ChatOptions,
  ): Promise<GatewayError | undefined> {
    let text: string;
    try {
      text = await body.text();
    } catch (e) {
      if (opts.signal.aborted) result.cancelled = true;
      return failed(record, transportError(e, cand.provider.name));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return failed(record, new GatewayError(502, `[${cand.provider.name}] upstream returned invalid JSON`, {
        metadata: { provider_name: cand.provider.name, raw: text.slice(0, 2000), error_type: 'provider_unavailable' },
      }));
    }
    try {
      let canonical = cand.adapter.parseResponse(json, ctx);
      if (cand.adapter.completeResponse !== undefined) canonical = await cand.adapter.completeResponse(canonical, ctx);
      result.response = renderResponse(canonical, meta);
      result.upstreamId = canonical.upstreamId;
      result.firstTokenAt = Date.now();
      return undefined;
    } catch (e) {
      return failed(record, e instanceof GatewayError ? e : new GatewayError(502, `[${cand.provider.name}] could not read the upstream response: ${(e as Error).message}`, { metadata: { provider_name: cand.provider.name, raw: text.slice(0, 2000) } }));
    }
  }

  private async readStream(
    body: UpstreamBody,
    cand: Candidate,
    ctx: AdapterContext,
    meta: ResponseMeta,
    result: ChatResult,
    record: Attempt,
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
      await body.each((chunk) => {
        parser.push(chunk);
        return early === undefined && !renderer.finished;
      });
      if (early === undefined && !renderer.finished) {
        const ending = parser.end();
        if (ending !== undefined) await ending; // most parsers end synchronously: no tick for them
      }
    } catch (e) {
      if (opts.signal.aborted) {
        result.cancelled = true;
        return failed(record, transportError(e, cand.provider.name));
      }
      const err = transportError(e, cand.provider.name);
      if (!renderer.started) {
        result.stream = undefined;
        return failed(record, err);
      }
      renderer.fail(err);
      failed(record, err);
      return undefined;
    } finally {
      body.destroy();
      if (renderer.upstreamId !== undefined) result.upstreamId = renderer.upstreamId;
    }
    if (early !== undefined) {
      result.stream = undefined;
      return failed(record, early);
    }
    if (!renderer.finished) {
      if (!renderer.started && renderer.finishReason === undefined) {
        result.stream = undefined;
        return failed(record, new GatewayError(502, `[${cand.provider.name}] upstream closed the stream before sending anything`, {
          metadata: { provider_name: cand.provider.name, error_type: 'provider_unavailable' },
        }));
      }
      renderer.end();
    }
    if (renderer.error !== undefined) failed(record, renderer.error);
    return undefined;
  }
}

/** A non-2xx answer as the adapter reads it (its body, when it arrives, says why). */
async function upstreamError(res: UpstreamExchange, cand: Candidate, ctx: AdapterContext): Promise<GatewayError> {
  let text = '';
  try {
    text = await res.body.text();
  } catch {
    /* body lost: the status is enough */
  }
  return cand.adapter.parseError(res.status, res.headers, text, ctx);
}

/** Notes a failure on the attempt's record; returns it. */
function failed(record: Attempt, e: GatewayError): GatewayError {
  record.status ??= e.status;
  record.error = e.message;
  if (e.retryAfterMs !== undefined) record.retryAfterMs = e.retryAfterMs;
  return e;
}

/** Before each try: cancelled by the client, or past the deadline after a failure. */
function shouldStop(result: ChatResult, opts: ChatOptions, lastError: GatewayError | undefined, deadline: number): boolean {
  if (opts.signal.aborted) result.cancelled = true;
  return result.cancelled || (lastError !== undefined && Date.now() >= deadline);
}

/** Waits ms (or not at all); false when the signal aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const t = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
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
