/**
 * The routing planner: for one model of one request, the endpoints to try, in order.
 * preferences (preferences.ts) → filters (filter.ts) → health snapshot → ranking (balance.ts) →
 * `allow_fallbacks: false` keeps only the endpoints named by `provider.order` (or the first one).
 */
import type { Candidate } from './catalog.js';
import type { CandidatePlanner, Plan } from './execute.js';
import { filterCandidates } from './filter.js';
import { endpointKey, type HealthStore } from './health.js';
import { rankCandidates, type Ranked } from './balance.js';
import { describe, matchesSlug } from './filter.js';
import { readPreferences } from './preferences.js';

export interface PlannerOptions {
  health: HealthStore;
  /** For tests: the random source of load balancing. */
  random?: () => number;
  now?: () => number;
}

export const candidateKey = (c: Candidate) => endpointKey(c.provider.name, c.endpoint.model);

export function createPlanner(opts: PlannerOptions): CandidatePlanner {
  const now = opts.now ?? Date.now;
  return (req, candidates, ctx): Plan => {
    const prefs = readPreferences(req, ctx?.modelId);
    const { kept, excluded } = filterCandidates(req, candidates, prefs);
    const t = now();
    const snap = opts.health.snapshot(kept.map(candidateKey), t);
    const items: Ranked[] = kept.map((candidate, i) => ({
      candidate,
      health: snap[i]!,
      probe: snap[i]!.state === 'half_open' && opts.health.claimProbe(candidateKey(candidate), t),
    }));
    let ranked = rankCandidates(items, { sort: prefs.sort, order: prefs.order, random: opts.random }).map((r) => r.candidate);
    if (!prefs.allowFallbacks) {
      // only the providers in order (or only); without either, the first choice alone
      if (prefs.order !== undefined) {
        for (const c of ranked)
          if (!prefs.order.some((s) => matchesSlug(c, s))) excluded.push({ candidate: c, by: 'allowed_providers', reason: `${describe(c)} is not in provider.order (allow_fallbacks: false)` });
        ranked = ranked.filter((c) => prefs.order!.some((s) => matchesSlug(c, s)));
      } else if (prefs.only === undefined) ranked = ranked.slice(0, 1);
    }
    const health = opts.health;
    return {
      candidates: ranked,
      excluded: excluded.map((e) => e.reason),
      excludedBy: [...new Set(excluded.map((e) => e.by))],
      report: (c, outcome) => health.record(candidateKey(c), outcome),
    };
  };
}
