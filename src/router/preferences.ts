/**
 * The request's `provider` routing preferences (spec §1.9), checked and normalised once:
 * slugs lower-cased, `sort` as one word, `max_price` as numbers (USD per million tokens; the
 * SDK sends strings, ai-sdk-provider numbers or strings). Model variants `:nitro` and `:floor`
 * imply `sort: throughput` and `sort: price`. Bad values are a 400.
 */
import type { CanonicalRequest } from '../schema/canonical.js';
import { badRequest } from '../schema/errors.js';

export type SortBy = 'price' | 'throughput' | 'latency';

export interface MaxPrice {
  /** USD per million prompt tokens. */
  prompt?: number;
  /** USD per million completion tokens. */
  completion?: number;
  /** USD per request. */
  request?: number;
  /** USD per image. */
  image?: number;
}

export interface Preferences {
  order: string[] | undefined;
  only: string[] | undefined;
  ignore: string[] | undefined;
  allowFallbacks: boolean;
  requireParameters: boolean;
  dataCollection: 'allow' | 'deny';
  zdr: boolean;
  quantizations: string[] | undefined;
  sort: SortBy | undefined;
  maxPrice: MaxPrice | undefined;
  /** Soft cutoffs: endpoints measured below / above them are tried after the others (tokens/s; ms). */
  preferredMinThroughput: number | undefined;
  preferredMaxLatencyMs: number | undefined;
}

const SORTS = new Set(['price', 'throughput', 'latency', 'exacto']);
const VARIANT_SORT: Record<string, SortBy> = { nitro: 'throughput', floor: 'price' };

function slugs(v: unknown, field: string): string[] | undefined {
  if (v == null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw badRequest(`provider.${field}: must be a list of provider names`);
  return v.map((s) => s.toLowerCase());
}

function bool(v: unknown, field: string, dflt: boolean): boolean {
  if (v == null) return dflt;
  if (typeof v !== 'boolean') throw badRequest(`provider.${field}: must be a boolean`);
  return v;
}

/** The preferences of one request for one of its models (the model id may carry a variant). */
export function readPreferences(req: CanonicalRequest, modelId?: string): Preferences {
  const raw = req.body.provider;
  if (raw != null && (typeof raw !== 'object' || Array.isArray(raw))) throw badRequest('provider: must be an object of routing preferences');
  const p = (raw ?? {}) as Record<string, unknown>;
  const dc = p.data_collection;
  if (dc != null && dc !== 'allow' && dc !== 'deny') throw badRequest('provider.data_collection: must be "allow" or "deny"');
  const variant = modelId !== undefined && modelId.includes(':') ? modelId.slice(modelId.lastIndexOf(':') + 1) : undefined;
  return {
    order: slugs(p.order, 'order'),
    only: slugs(p.only, 'only'),
    ignore: slugs(p.ignore, 'ignore'),
    allowFallbacks: bool(p.allow_fallbacks, 'allow_fallbacks', true),
    requireParameters: bool(p.require_parameters, 'require_parameters', false),
    dataCollection: dc === 'deny' ? 'deny' : 'allow',
    zdr: bool(p.zdr, 'zdr', false),
    quantizations: slugs(p.quantizations, 'quantizations'),
    sort: readSort(p.sort) ?? (variant !== undefined ? VARIANT_SORT[variant] : undefined),
    maxPrice: readMaxPrice(p.max_price),
    preferredMinThroughput: readCutoff(p.preferred_min_throughput, 'preferred_min_throughput'),
    preferredMaxLatencyMs: ms(readCutoff(p.preferred_max_latency, 'preferred_max_latency')),
  };
}

const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000);

/** A number, or percentiles `{p50, p75, p90, p99}`; only an EWMA is kept, so it is compared with p50 (else the first given). */
function readCutoff(v: unknown, field: string): number | undefined {
  if (v == null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const vals = ['p50', 'p75', 'p90', 'p99'].map((k) => o[k]).filter((x) => x != null);
    if (vals.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) return vals.length === 0 ? undefined : (vals[0] as number);
  }
  throw badRequest(`provider.${field}: must be a non-negative number or {"p50": …, "p90": …}`);
}

function readSort(v: unknown): SortBy | undefined {
  if (v == null) return undefined;
  const by = typeof v === 'string' ? v : typeof v === 'object' && !Array.isArray(v) ? (v as { by?: unknown }).by : undefined;
  if (by == null && typeof v === 'object') return undefined; // {partition} alone
  if (typeof by !== 'string' || !SORTS.has(by)) throw badRequest('provider.sort: must be "price", "throughput", "latency" or {"by": …}');
  return by === 'exacto' ? undefined : (by as SortBy); // exacto (tool-call quality) has no signal here: default balancing
}

function readMaxPrice(v: unknown): MaxPrice | undefined {
  if (v == null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest('provider.max_price: must be an object like {"prompt": 1, "completion": 2} (USD per million tokens)');
  const out: MaxPrice = {};
  for (const [k, raw] of Object.entries(v as Record<string, unknown>)) {
    if (raw == null) continue;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n) || n < 0) throw badRequest(`provider.max_price.${k}: must be a non-negative number (USD per million tokens), got ${JSON.stringify(raw)}`);
    if (k === 'prompt' || k === 'completion' || k === 'request' || k === 'image') out[k] = n;
  }
  return out;
}
