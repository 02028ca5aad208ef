/**
 * Orders a model's eligible endpoints for one request.
 *
 * Default (OpenRouter's load balancing): among available endpoints the first is drawn at random,
 * weighted by the inverse square of its price (times its configured `weight`); the others follow
 * as fallbacks from cheapest to dearest. With `provider.sort` the order is by that key instead
 * (price ascending, throughput descending, latency ascending; unmeasured endpoints after measured
 * ones, then by price). Unavailable endpoints (breaker open, or paused by a retry-after) go after
 * the available ones, in the same order; a half-open endpoint whose probe this request claimed
 * goes first. Available endpoints measured below `preferred_min_throughput` or above
 * `preferred_max_latency` follow the ones that meet them. `provider.order` then moves the
 * endpoints it names to the front, in its order.
 */
import type { Candidate } from './catalog.js';
import type { EndpointHealth } from './health.js';
import { matchesSlug } from './filter.js';
import type { SortBy } from './preferences.js';

export interface Ranked {
  candidate: Candidate;
  health: EndpointHealth;
  /** This request holds the half-open probe of this endpoint. */
  probe: boolean;
}

/** USD per token, prompt + completion: the price used for weighting and `sort: price`. */
export function blendedPrice(c: Candidate): number {
  const p = Number(c.endpoint.pricing.prompt) + Number(c.endpoint.pricing.completion);
  return Number.isFinite(p) && p > 0 ? p : 0;
}

export function isAvailable(r: Ranked): boolean {
  return r.probe || (r.health.state === 'closed' && r.health.pausedUntil === undefined);
}

const byPrice = (a: Ranked, b: Ranked) => blendedPrice(a.candidate) - blendedPrice(b.candidate);

/** Unmeasured values sort after measured ones. */
function byMetric(get: (h: EndpointHealth) => number | undefined, dir: 1 | -1) {
  return (a: Ranked, b: Ranked) => {
    const x = get(a.health);
    const y = get(b.health);
    if (x === undefined || y === undefined) return x === y ? byPrice(a, b) : x === undefined ? 1 : -1;
    return (x - y) * dir || byPrice(a, b);
  };
}

const SORTERS: Record<SortBy, (a: Ranked, b: Ranked) => number> = {
  price: byPrice,
  throughput: byMetric((h) => h.throughput, -1),
  latency: byMetric((h) => h.latencyMs, 1),
};

/** Price-weighted random pick of the first, the rest by price (Array.prototype.sort is stable). */
function loadBalance(items: Ranked[], random: () => number): Ranked[] {
  if (items.length < 2) return items;
  const prices = items.map((r) => blendedPrice(r.candidate));
  const positive = prices.filter((p) => p > 0);
  // free endpoints weigh as ten times cheaper than the cheapest paid one; all free: equal weights
  const floor = positive.length === 0 ? 1 : Math.min(...positive) / 10;
  const weights = items.map((r, i) => {
    const w = r.candidate.endpoint.weight ?? 1;
    const p = prices[i]! > 0 ? prices[i]! : floor;
    return w / (p * p);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = 0;
  if (total > 0) {
    let x = random() * total;
    for (pick = 0; pick < items.length - 1; pick++) {
      x -= weights[pick]!;
      if (x < 0) break;
    }
  }
  const first = items[pick]!;
  const rest = items.filter((_, i) => i !== pick).sort(byPrice);
  return [first, ...rest];
}

export interface RankOptions {
  sort: SortBy | undefined;
  order: string[] | undefined;
  /** provider.preferred_min_throughput (tokens/s) and preferred_max_latency (ms): measured misses go after the rest. */
  minThroughput?: number;
  maxLatencyMs?: number;
  random?: () => number;
}

/** Misses a soft performance cutoff (only when measured). */
function slow(r: Ranked, o: RankOptions): boolean {
  const { throughput, latencyMs } = r.health;
  return (o.minThroughput !== undefined && throughput !== undefined && throughput < o.minThroughput) || (o.maxLatencyMs !== undefined && latencyMs !== undefined && latencyMs > o.maxLatencyMs);
}

export function rankCandidates(items: Ranked[], opts: RankOptions): Ranked[] {
  const random = opts.random ?? Math.random;
  const probes = items.filter((r) => r.probe);
  const available = items.filter((r) => !r.probe && isAvailable(r));
  const unavailable = items.filter((r) => !isAvailable(r));
  const order = (xs: Ranked[]) => (opts.sort !== undefined ? [...xs].sort(SORTERS[opts.sort]) : loadBalance(xs, random));
  const preferred = available.filter((r) => !slow(r, opts));
  const head = preferred.length === available.length || preferred.length === 0 ? order(available) : [...order(preferred), ...order(available.filter((r) => slow(r, opts)))];
  const tail = [...unavailable].sort(SORTERS[opts.sort ?? 'price']);
  const ranked = [...probes, ...head, ...tail];
  if (opts.order === undefined || opts.order.length === 0) return ranked;
  const front: Ranked[] = [];
  for (const slug of opts.order) for (const r of ranked) if (!front.includes(r) && matchesSlug(r.candidate, slug)) front.push(r);
  return [...front, ...ranked.filter((r) => !front.includes(r))];
}
