/**
 * `routing:` in the config file:
 *
 *   routing:
 *     deadline_ms: 30000       # no new attempt (fallback, retry-after wait) starts later than this after arrival
 *     max_retry_rounds: 2      # how many times endpoints that answered with retry-after are tried again
 *     max_retry_wait_ms: 5000  # a longer retry-after is passed back to the client instead of waited for
 *     health:
 *       failure_threshold: 3   # consecutive failures that open an endpoint's breaker
 *       cooldown_ms: 30000     # open → half-open (one probe) after this long
 *       ewma_alpha: 0.3        # smoothing of latency / throughput
 */
import { DEFAULT_HEALTH, type HealthOptions } from './health.js';

export interface RoutingOptions {
  deadlineMs: number;
  maxRetryRounds: number;
  maxRetryWaitMs: number;
  health: HealthOptions;
}

export const DEFAULT_ROUTING: RoutingOptions = { deadlineMs: 30_000, maxRetryRounds: 2, maxRetryWaitMs: 5_000, health: DEFAULT_HEALTH };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads and checks the section; throws with `routing.x: …` messages. */
export function routingOptions(raw: unknown): RoutingOptions {
  if (raw === undefined || raw === null) return DEFAULT_ROUTING;
  const problems: string[] = [];
  if (!isObj(raw)) throw new Error('routing: must be a mapping');
  const num = (v: unknown, path: string, min: number, max = Infinity): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      problems.push(`${path}: must be a number between ${min} and ${max}`);
      return undefined;
    }
    return v;
  };
  const h = raw.health;
  if (h !== undefined && !isObj(h)) problems.push('routing.health: must be a mapping');
  const hh = isObj(h) ? h : {};
  const out: RoutingOptions = {
    deadlineMs: num(raw.deadline_ms, 'routing.deadline_ms', 0) ?? DEFAULT_ROUTING.deadlineMs,
    maxRetryRounds: Math.floor(num(raw.max_retry_rounds, 'routing.max_retry_rounds', 0, 10) ?? DEFAULT_ROUTING.maxRetryRounds),
    maxRetryWaitMs: num(raw.max_retry_wait_ms, 'routing.max_retry_wait_ms', 0) ?? DEFAULT_ROUTING.maxRetryWaitMs,
    health: {
      failureThreshold: Math.floor(num(hh.failure_threshold, 'routing.health.failure_threshold', 1) ?? DEFAULT_HEALTH.failureThreshold),
      cooldownMs: num(hh.cooldown_ms, 'routing.health.cooldown_ms', 0) ?? DEFAULT_HEALTH.cooldownMs,
      alpha: num(hh.ewma_alpha, 'routing.health.ewma_alpha', 0.01, 1) ?? DEFAULT_HEALTH.alpha,
      probeTimeoutMs: num(hh.probe_timeout_ms, 'routing.health.probe_timeout_ms', 0) ?? DEFAULT_HEALTH.probeTimeoutMs,
    },
  };
  if (problems.length > 0) throw new Error(`invalid config: ${problems.join('; ')}`);
  return out;
}
