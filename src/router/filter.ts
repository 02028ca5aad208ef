/**
 * Hard and soft endpoint filters for one request: provider.only / ignore, data_collection, zdr,
 * quantizations, max_price, require_parameters (hard: an excluded endpoint is never tried, and
 * the reason is kept for the 404), then the soft parameter preference of spec §7: when some
 * endpoints support `tools` / `response_format` / `verbosity` and others do not, only the ones
 * that do are used; when none do, all stay and the parameter is dropped.
 *
 * Endpoint flags come from config, endpoint first, then its provider: `data_collection:
 * allow|deny` (allow = the upstream may store or train on prompts; unset counts as allow),
 * `zdr: true` (zero data retention), `quantization: fp8` (unset counts as `unknown`).
 */
import type { CanonicalRequest } from '../schema/canonical.js';
import type { Candidate } from './catalog.js';
import type { Preferences } from './preferences.js';
import { unsupportedParameters } from './restrict.js';

export interface Exclusion {
  candidate: Candidate;
  /** OpenRouter's `availability.excluded_by` vocabulary. */
  by: 'allowed_providers' | 'data_policy:training' | 'data_policy:zdr' | 'quantization' | 'max_price' | 'require_parameters';
  reason: string;
}

export interface Filtered {
  kept: Candidate[];
  excluded: Exclusion[];
}

/** Parameters that steer routing even without require_parameters (spec §7). */
const SOFT_PARAMETERS = ['tools', 'tool_choice', 'response_format', 'verbosity'] as const;

export const describe = (c: Candidate) => `${c.provider.name} (${c.endpoint.model})`;

/** Does a provider slug from `order`/`only`/`ignore` name this endpoint? (`name` or `name/upstream-model`). */
export function matchesSlug(c: Candidate, slug: string): boolean {
  const name = c.provider.name.toLowerCase();
  return slug === name || slug === `${name}/${c.endpoint.model.toLowerCase()}`;
}

function flag(c: Candidate, key: string): unknown {
  return c.endpoint[key] ?? c.provider[key];
}

/** USD per million tokens (or per request/image) of an endpoint's price for a max_price key. */
function priceOf(c: Candidate, key: 'prompt' | 'completion' | 'request' | 'image'): number {
  const v = Number(c.endpoint.pricing[key] ?? 0);
  return key === 'prompt' || key === 'completion' ? v * 1e6 : v;
}

function hardReason(req: CanonicalRequest, c: Candidate, p: Preferences): Omit<Exclusion, 'candidate'> | undefined {
  if (p.only !== undefined && !p.only.some((s) => matchesSlug(c, s))) return { by: 'allowed_providers', reason: `${describe(c)} is not in provider.only` };
  if (p.ignore !== undefined && p.ignore.some((s) => matchesSlug(c, s))) return { by: 'allowed_providers', reason: `${describe(c)} is in provider.ignore` };
  if (p.dataCollection === 'deny' && flag(c, 'data_collection') !== 'deny')
    return { by: 'data_policy:training', reason: `${describe(c)} may collect data (data_collection: deny requested)` };
  if (p.zdr && flag(c, 'zdr') !== true) return { by: 'data_policy:zdr', reason: `${describe(c)} is not zero-data-retention (zdr requested)` };
  if (p.quantizations !== undefined) {
    const q = String(flag(c, 'quantization') ?? 'unknown').toLowerCase();
    if (!p.quantizations.includes(q)) return { by: 'quantization', reason: `${describe(c)} quantization ${q} is not in provider.quantizations` };
  }
  if (p.maxPrice !== undefined) {
    for (const key of ['prompt', 'completion', 'request', 'image'] as const) {
      const max = p.maxPrice[key];
      if (max === undefined) continue;
      const price = priceOf(c, key);
      if (price > max) return { by: 'max_price', reason: `${describe(c)} ${key} price ${round(price)} exceeds max_price.${key} ${max}` };
    }
  }
  if (p.requireParameters) {
    const missing = unsupportedParameters(req, c.endpoint.supported_parameters);
    if (missing.length > 0) return { by: 'require_parameters', reason: `${describe(c)} lacks ${missing.join(', ')}` };
  }
  return undefined;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function filterCandidates(req: CanonicalRequest, candidates: readonly Candidate[], p: Preferences): Filtered {
  const kept: Candidate[] = [];
  const excluded: Exclusion[] = [];
  for (const c of candidates) {
    const why = hardReason(req, c, p);
    if (why === undefined) kept.push(c);
    else excluded.push({ candidate: c, ...why });
  }
  return { kept: softFilter(req, kept), excluded };
}

/** Keeps only endpoints that support the soft parameters the request uses, when at least one does. */
function softFilter(req: CanonicalRequest, cands: Candidate[]): Candidate[] {
  let out = cands;
  for (const k of SOFT_PARAMETERS) {
    if (out.length < 2) break;
    const used = unsupportedParameters(req, []).includes(k);
    if (!used) continue;
    const support = out.filter((c) => !unsupportedParameters(req, c.endpoint.supported_parameters).includes(k));
    if (support.length > 0) out = support;
  }
  return out;
}
