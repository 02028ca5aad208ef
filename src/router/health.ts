/**
 * Per-endpoint health: a circuit breaker (closed → open after `failure_threshold` consecutive
 * failures → half-open after `cooldown_ms`, where one probe request is let through: success
 * closes it, failure opens it again), a rate-limit pause (an upstream's retry-after), and EWMA
 * latency (time to first token) and throughput (completion tokens/s) for `provider.sort`.
 *
 * `HealthStore` is the seam: `MemoryHealth` (one process) is the default; a shared
 * implementation (Redis) keeps a local mirror so `snapshot` stays cheap, and publishes `record`s.
 */

/** What one attempt against an endpoint taught us. */
export interface AttemptOutcome {
  ok: boolean;
  at: number;
  /** Time to first token (or to the whole response when not streamed), ms. */
  latencyMs?: number;
  /** Completion tokens per second after the first token. */
  throughput?: number;
  /** The upstream asked us to wait (429/503 retry-after), ms. */
  retryAfterMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface EndpointHealth {
  state: BreakerState;
  consecutiveFailures: number;
  /** EWMA of time to first token, ms (undefined until measured). */
  latencyMs: number | undefined;
  /** EWMA of tokens/s (undefined until measured). */
  throughput: number | undefined;
  /** Rate-limited until this time (epoch ms), if the upstream said so. */
  pausedUntil: number | undefined;
}

export interface HealthStore {
  /** Current health of the given endpoint keys. */
  snapshot(keys: readonly string[], now: number): EndpointHealth[];
  /** Claims the single probe of a half-open endpoint; true for one caller per cool-down. */
  claimProbe(key: string, now: number): boolean;
  /** Reports an attempt's outcome (fire and forget). */
  record(key: string, outcome: AttemptOutcome): void;
  close?(): Promise<void> | void;
}

export interface HealthOptions {
  /** Consecutive failures that open the breaker (default 3). */
  failureThreshold: number;
  /** Time an open breaker waits before a probe, ms (default 30 s). */
  cooldownMs: number;
  /** EWMA smoothing factor for latency and throughput, 0..1 (default 0.3). */
  alpha: number;
  /** A claimed probe that never reports back is given up after this long, ms (default 60 s). */
  probeTimeoutMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = { failureThreshold: 3, cooldownMs: 30_000, alpha: 0.3, probeTimeoutMs: 60_000 };

/** The key of an endpoint in the health store. */
export const endpointKey = (provider: string, upstreamModel: string) => `${provider}/${upstreamModel}`;

interface Entry {
  failures: number;
  openedAt: number | undefined;
  probeAt: number | undefined;
  latency: number | undefined;
  throughput: number | undefined;
  pausedUntil: number | undefined;
}

const ewma = (prev: number | undefined, x: number, alpha: number) => (prev === undefined ? x : prev + alpha * (x - prev));

export class MemoryHealth implements HealthStore {
  private readonly entries = new Map<string, Entry>();
  readonly opts: HealthOptions;

  constructor(opts: Partial<HealthOptions> = {}) {
    this.opts = { ...DEFAULT_HEALTH, ...opts };
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (e === undefined) {
      e = { failures: 0, openedAt: undefined, probeAt: undefined, latency: undefined, throughput: undefined, pausedUntil: undefined };
      this.entries.set(key, e);
    }
    return e;
  }

  private state(e: Entry, now: number): BreakerState {
    if (e.openedAt === undefined) return 'closed';
    return now - e.openedAt >= this.opts.cooldownMs ? 'half_open' : 'open';
  }

  snapshot(keys: readonly string[], now: number): EndpointHealth[] {
    return keys.map((k) => {
      const e = this.entries.get(k);
      if (e === undefined) return { state: 'closed', consecutiveFailures: 0, latencyMs: undefined, throughput: undefined, pausedUntil: undefined };
      return {
        state: this.state(e, now),
        consecutiveFailures: e.failures,
        latencyMs: e.latency,
        throughput: e.throughput,
        pausedUntil: e.pausedUntil !== undefined && e.pausedUntil > now ? e.pausedUntil : undefined,
      };
    });
  }

  claimProbe(key: string, now: number): boolean {
    const e = this.entries.get(key);
    if (e === undefined || this.state(e, now) !== 'half_open') return false;
    if (e.probeAt !== undefined && now - e.probeAt < this.opts.probeTimeoutMs) return false;
    e.probeAt = now;
    return true;
  }

  record(key: string, o: AttemptOutcome): void {
    const e = this.entry(key);
    if (o.retryAfterMs !== undefined) e.pausedUntil = Math.max(e.pausedUntil ?? 0, o.at + o.retryAfterMs);
    if (o.ok) {
      e.failures = 0;
      e.openedAt = undefined;
      e.probeAt = undefined;
      if (o.latencyMs !== undefined) e.latency = ewma(e.latency, o.latencyMs, this.opts.alpha);
      if (o.throughput !== undefined && Number.isFinite(o.throughput)) e.throughput = ewma(e.throughput, o.throughput, this.opts.alpha);
      return;
    }
    e.failures++;
    const wasProbe = e.probeAt !== undefined;
    e.probeAt = undefined;
    if (wasProbe || e.failures >= this.opts.failureThreshold) e.openedAt = o.at; // (re)open; a failed probe restarts the cool-down
  }
}
