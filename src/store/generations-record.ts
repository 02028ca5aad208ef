/**
 * A generation record: what one chat request did, built from the chat handler's ChatRecord
 * (pure), and its OpenRouter `GET /api/v1/generation` shape (spec §5.3: every key present).
 */
import { resultOfError } from '../router/execute.js';
import type { ChatRecord } from '../server/chat.js';
import { streamUsage } from './usage-cost.js';
import type { Usage } from '../schema/types.js';

export interface GenerationAttempt {
  provider: string;
  model: string;
  upstream_model: string;
  /** The upstream's HTTP status, or the gateway's for transport failures (408 timeout, 502 unreachable, 499 cancelled). */
  status: number | null;
  error: string | null;
  latency_ms: number;
}

export interface GenerationRecord {
  id: string;
  created_at: number;
  /** Non-secret hash / id of the caller's key (Principal.id). */
  key_hash: string;
  key_kind: string;
  /** The model that served (after `models` fallback), else the one requested. */
  model: string;
  requested_model: string;
  provider: string | null;
  upstream_model: string | null;
  upstream_id: string | null;
  /** HTTP status of the outcome: 200, or the error's code. */
  status: number;
  error: string | null;
  streamed: boolean;
  cancelled: boolean;
  finish_reason: string | null;
  native_finish_reason: string | null;
  tokens_prompt: number;
  tokens_completion: number;
  tokens_reasoning: number;
  tokens_cached: number;
  /** USD. */
  cost: number;
  /** Arrival to end, ms. */
  latency_ms: number;
  /** Arrival to first content, ms (null when nothing was produced). */
  ttft_ms: number | null;
  /** Completion tokens per second after the first token (null when not measurable). */
  tokens_per_second: number | null;
  attempts: GenerationAttempt[];
}

/** The public usage of a finished request (cost included), or undefined when nothing was served. */
export function usageOf(rec: ChatRecord): Usage | undefined {
  const r = rec.result ?? resultOfError(rec.error);
  if (r?.response !== undefined) return r.response.usage;
  // the stream's usage, or the same estimate stored keys are charged (src/store/usage-cost.ts), so both agree
  return streamUsage(rec)?.usage;
}

export function fromChatRecord(rec: ChatRecord): GenerationRecord {
  const r = rec.result ?? resultOfError(rec.error);
  const usage = usageOf(rec);
  const requested = (typeof rec.request?.body.model === 'string' && rec.request.body.model !== '' ? rec.request.body.model : rec.request?.body.models?.[0]) ?? '';
  const streamErr = r?.stream?.error;
  const err = rec.error ?? streamErr;
  const choice = r?.response?.choices[0];
  const finish = choice !== undefined ? choice.finish_reason : r?.stream?.finishReason ?? (err !== undefined ? 'error' : null);
  const native = choice !== undefined ? choice.native_finish_reason : r?.stream !== undefined ? r.stream.nativeFinishReason : null;
  const first = r?.firstTokenAt;
  const ttft = first !== undefined ? Math.max(0, first - rec.startedAt) : null;
  const completion = usage?.completion_tokens ?? 0;
  const genMs = first !== undefined ? (rec.streamed ? rec.endedAt - first : rec.endedAt - rec.startedAt) : 0;
  const served = r?.response !== undefined || r?.stream !== undefined;
  return {
    id: rec.generationId,
    created_at: rec.startedAt,
    key_hash: rec.principal.id,
    key_kind: rec.principal.kind,
    model: (served ? r?.servedModel : undefined) ?? requested,
    requested_model: requested,
    provider: r?.served?.provider.name ?? null,
    upstream_model: r?.served?.endpoint.model ?? null,
    upstream_id: r?.upstreamId ?? null,
    status: err !== undefined ? err.status : r?.cancelled ? 499 : 200,
    error: err?.message ?? null,
    streamed: rec.streamed,
    cancelled: r?.cancelled ?? false,
    finish_reason: finish ?? null,
    native_finish_reason: native ?? null,
    tokens_prompt: usage?.prompt_tokens ?? 0,
    tokens_completion: completion,
    tokens_reasoning: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    tokens_cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    cost: usage?.cost ?? 0,
    latency_ms: Math.max(0, rec.endedAt - rec.startedAt),
    ttft_ms: ttft,
    tokens_per_second: completion > 0 && genMs > 0 ? Math.round((completion / (genMs / 1000)) * 100) / 100 : null,
    attempts: (r?.attempts ?? []).map((a) => ({
      provider: a.provider,
      model: a.model,
      upstream_model: a.upstreamModel,
      status: a.status,
      error: a.error ?? null,
      latency_ms: a.latencyMs,
    })),
  };
}

/** OpenRouter's `{data: {...}}` generation shape; unknown-to-us fields are null / defaults. */
export function toOpenRouterGeneration(g: GenerationRecord): { data: Record<string, unknown> } {
  const genTime = g.ttft_ms !== null ? Math.max(0, g.latency_ms - g.ttft_ms) : null;
  return {
    data: {
      id: g.id,
      upstream_id: g.upstream_id,
      request_id: null,
      created_at: new Date(g.created_at).toISOString(),
      model: g.model,
      api_type: 'completions',
      app_id: null,
      external_user: null,
      http_referer: null,
      origin: '',
      user_agent: null,
      provider_name: g.provider,
      provider_responses: g.attempts.map((a) => ({
        status: a.status,
        provider_name: a.provider,
        model_permaslug: a.upstream_model,
        latency: a.latency_ms,
        is_byok: false,
        ...(a.error !== null ? { error: a.error } : {}),
      })),
      router: null,
      preset_id: null,
      streamed: g.streamed,
      cancelled: g.cancelled,
      finish_reason: g.finish_reason,
      native_finish_reason: g.native_finish_reason,
      latency: g.ttft_ms ?? g.latency_ms,
      generation_time: genTime,
      moderation_latency: null,
      tokens_prompt: g.tokens_prompt,
      tokens_completion: g.tokens_completion,
      native_tokens_prompt: g.tokens_prompt,
      native_tokens_completion: g.tokens_completion,
      native_tokens_reasoning: g.tokens_reasoning,
      native_tokens_cached: g.tokens_cached,
      native_tokens_completion_images: 0,
      num_media_prompt: 0,
      num_media_completion: 0,
      num_input_audio_prompt: 0,
      num_search_results: null,
      num_fetches: null,
      web_search_engine: null,
      usage: g.cost,
      total_cost: g.cost,
      cache_discount: null,
      upstream_inference_cost: g.cost,
      is_byok: false,
      service_tier: null,
      data_region: 'global',
      workspace_id: null,
      session_id: null,
      // Switchyard extras (clients ignore unknown keys)
      status: g.status,
      error: g.error,
      tokens_per_second: g.tokens_per_second,
      requested_model: g.requested_model,
    },
  };
}
