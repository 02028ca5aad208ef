/**
 * The routing planner: for one model of one request, the endpoints to try, in order.
 * preferences (preferences.ts) → filters (filter.ts) → health snapshot → ranking (balance.ts) →
 * `allow_fallbacks: false` keeps only the endpoints named by `provider.order` (or the first one).
 */
import type { Candidate } from './catalog.js';
import type { CandidatePlanner, Plan } from './execute.js';
import { filterCandidates } from './filter.js';
import { endpointKey, type AttemptOutcome, type HealthStore } from './health.js';
import { rankCandidates, type Ranked } from './balance.js';
import { describe, matchesSlug } from './filter.js';
import { readPreferences } from './preferences.js';

export interface PlannerOptions {
  health: HealthStore;
  /** For tests: the random source of load balancing. */
  random?: () => number;
  now?: () => number;
}

const keys = new WeakMap<Candidate, string>(); // candidates live as long as the catalog: built once each
export function candidateKey(c: Candidate): string {
  let k = keys.get(c);
  if (k === undefined) keys.set(c, (k = endpointKey(c.provider.name, c.endpoint.model)));
  return k;
}

export function createPlanner(opts: PlannerOptions): CandidatePlanner {
  const now = opts.now ?? Date.now;
  const health = opts.health;
  const report = (c: Candidate, outcome: AttemptOutcome) => health.record(candidateKey(c), outcome);
  return (req, candidates, ctx): Plan => {
    if (candidates.length === 1 && req.body.provider == null) {
      // the common case, one endpoint and no preferences: no filter can exclude it, nothing to rank
      const c = candidates[0]!;
      const key = candidateKey(c);
      const t = now();
      if (health.snapshot([key], t)[0]!.state === 'half_open') health.claimProbe(key, t);
      return { candidates: [c], excluded: [], excludedBy: [], report };
    }
    const prefs = readPreferences(req, ctx?.modelId);
    const { kept, excluded } = filterCandidates(req, candidates, prefs);
    const t = now();
    const snap = opts.health.snapshot(kept.map(candidateKey), t);
    const items: Ranked[] = kept.map((candidate, i) => ({
      candidate,
      health: snap[i]!,
      probe: snap[i]!.state === 'half_open' && opts.health.claimProbe(candidateKey(candidate), t),
    }));
    let ranked = rankCandidates(items, {
      sort: prefs.sort,
      order: prefs.order,
      minThroughput: prefs.preferredMinThroughput,
      maxLatencyMs: prefs.preferredMaxLatencyMs,
      random: opts.random,
    }).map((r) => r.candidate);
    if (!prefs.allowFallbacks) {
      // only the providers in order (or only); without either, the first choice alone
      if (prefs.order !== undefined) {
        for (const c of ranked)
          if (!prefs.order.some((s) => matchesSlug(c, s))) excluded.push({ candidate: c, by: 'allowed_providers', reason: `${describe(c)} is not in provider.order (allow_fallbacks: false)` });
        ranked = ranked.filter((c) => prefs.order!.some((s) => matchesSlug(c, s)));
      } else if (prefs.only === undefined) ranked = ranked.slice(0, 1);
    }
    return {
      candidates: ranked,
      excluded: excluded.map((e) => e.reason),
      excludedBy: [...new Set(excluded.map((e) => e.by))],
      report,
    };
  };
}
