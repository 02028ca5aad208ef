/**
 * Matching a live upstream request against recorded ones: method, relative path and JSON body,
 * after removing what legitimately changes from run to run (volatile fields, ids the gateway
 * synthesizes per generation). The closest cassette and the first differing field explain a miss.
 */
import { requestBody, type LoadedCassette } from './cassette.js';

/** Top-level body fields that identify a caller or a run, not the conversation. */
const VOLATILE_FIELDS = new Set(['user', 'metadata', 'safety_identifier', 'prompt_cache_key']);
/** Query parameters ignored when comparing paths. */
const VOLATILE_QUERY = new Set(['key', 'api_key', 'api-version']);
/** Tool-call ids synthesized by the gateway (shared/ids.ts) embed the generation id. */
const SYNTH_ID = /^call_[A-Za-z0-9]{12}_(\d+)$/;

export interface ReplayRequest {
  method: string;
  path: string;
  body: unknown;
}

export function normalizePath(path: string): string {
  const q = path.indexOf('?');
  if (q === -1) return path;
  const params = new URLSearchParams(path.slice(q + 1));
  for (const k of [...params.keys()]) if (VOLATILE_QUERY.has(k)) params.delete(k);
  const rest = params.toString();
  return path.slice(0, q) + (rest === '' ? '' : `?${rest}`);
}

export function normalizeBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return normalizeValue(body);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (!VOLATILE_FIELDS.has(k)) out[k] = normalizeValue(v);
  return out;
}

function normalizeValue(v: unknown): unknown {
  if (typeof v === 'string') {
    const m = SYNTH_ID.exec(v);
    return m ? `call_<synthesized>_${m[1]}` : v;
  }
  if (Array.isArray(v)) return v.map(normalizeValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = normalizeValue(x);
    return out;
  }
  return v;
}

export interface Difference {
  /** `path`, `method` or `body.messages[1].content`. */
  field: string;
  recorded: unknown;
  received: unknown;
}

/** Every difference between two JSON values, in the order of `received`'s fields. */
export function differences(recorded: unknown, received: unknown, at: string, out: Difference[] = [], limit = 1000): Difference[] {
  if (out.length >= limit) return out;
  if (recorded === received) return out;
  const bothArrays = Array.isArray(recorded) && Array.isArray(received);
  const bothObjects = isPlain(recorded) && isPlain(received);
  if (bothArrays) {
    const a = recorded as unknown[];
    const b = received as unknown[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) differences(a[i], b[i], `${at}[${i}]`, out, limit);
    return out;
  }
  if (bothObjects) {
    const a = recorded as Record<string, unknown>;
    const b = received as Record<string, unknown>;
    const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !(k in b))];
    for (const k of keys) differences(a[k], b[k], at === '' ? k : `${at}.${k}`, out, limit);
    return out;
  }
  out.push({ field: at === '' ? '(body)' : at, recorded, received });
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface MatchResult {
  match?: LoadedCassette;
  /** On a miss: the cassette with the fewest differences, and the first of them. */
  closest?: { cassette: LoadedCassette; first: Difference; count: number };
}

export function findCassette(cassettes: readonly LoadedCassette[], req: ReplayRequest): MatchResult {
  const path = normalizePath(req.path);
  const body = normalizeBody(req.body);
  let best: MatchResult['closest'];
  let bestScore = Infinity;
  for (const c of cassettes) {
    const diffs: Difference[] = [];
    if (c.cassette.request.method !== req.method) diffs.push({ field: 'method', recorded: c.cassette.request.method, received: req.method });
    const recordedPath = normalizePath(c.cassette.request.path);
    if (recordedPath !== path) diffs.push({ field: 'path', recorded: recordedPath, received: path });
    differences(normalizeBody(requestBody(c.cassette)), body, 'body', diffs);
    if (diffs.length === 0) return { match: c };
    // a different endpoint is further away than any body difference
    const score = diffs.length + (diffs[0]!.field === 'path' || diffs[0]!.field === 'method' ? 10_000 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = { cassette: c, first: diffs[0]!, count: diffs.length };
    }
  }
  return best === undefined ? {} : { closest: best };
}
