/**
 * A key's limits as written by people (`--rate 60/m`, `--expires 30d`, `--models openai/*`) and
 * their checks. Pure functions; each parser throws an Error whose message names the input.
 */

export interface RateLimit {
  requests: number;
  intervalMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNIT_WORDS: Record<string, string> = { sec: 's', second: 's', min: 'm', minute: 'm', hour: 'h', day: 'd' };

/** `500ms`, `10s`, `1m`, `m`, `2h`, `1d`, `minute` → ms. */
export function parseDuration(s: string, what = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)?\s*([a-z]+)$/i.exec(s.trim());
  const unit = m ? (UNIT_WORDS[m[2]!.toLowerCase().replace(/s$/, '')] ?? m[2]!.toLowerCase()) : '';
  if (!m || UNITS[unit] === undefined) throw new Error(`${what}: "${s}" is not a duration (like 10s, 1m, 1h, 1d)`);
  const n = m[1] === undefined ? 1 : Number(m[1]);
  const ms = n * UNITS[unit]!;
  if (!(ms > 0)) throw new Error(`${what}: "${s}" must be longer than zero`);
  return Math.round(ms);
}

/** `60/m`, `10/s`, `1000/1h`, `5/10s` → requests per interval. */
export function parseRate(s: string): RateLimit {
  const m = /^\s*(\d+)\s*\/\s*(.+)$/.exec(s);
  if (!m) throw new Error(`rate: "${s}" is not a rate (requests/interval, like 60/m or 1000/1h)`);
  const requests = Number(m[1]);
  if (!Number.isSafeInteger(requests) || requests < 1) throw new Error(`rate: "${s}" needs at least 1 request per interval`);
  return { requests, intervalMs: parseDuration(m[2]!, 'rate') };
}

/** 60000 → `1m`, 3600000 → `1h`, 10000 → `10s` (OpenRouter's `rate_limit.interval`). */
export function formatInterval(ms: number): string {
  for (const u of ['d', 'h', 'm', 's'] as const) if (ms % UNITS[u]! === 0) return `${ms / UNITS[u]!}${u}`;
  return `${ms}ms`;
}

export function formatRate(r: RateLimit | undefined): string {
  return r === undefined ? '-' : `${r.requests}/${formatInterval(r.intervalMs)}`;
}

/** An ISO-8601 time (`2026-12-31`, `2026-12-31T00:00:00Z`) or a duration from now (`30d`) → epoch ms. */
export function parseExpires(s: string, now = Date.now()): number {
  const t = s.trim();
  if (/^\d+(\.\d+)?\s*[a-z]+$/i.test(t)) return now + parseDuration(t, 'expires');
  const at = Date.parse(t);
  if (Number.isNaN(at)) throw new Error(`expires: "${s}" is neither an ISO-8601 time (2026-12-31T00:00:00Z) nor a duration (30d)`);
  return at;
}

/** A USD amount ≥ 0. */
export function parseUsd(v: unknown, what = 'limit'): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim().replace(/^\$/, '')) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new Error(`${what}: ${JSON.stringify(v)} is not a non-negative USD amount`);
  return n;
}

/** `openai/*, anthropic/claude-*` → patterns (no empties). */
export function parseModels(v: string | readonly unknown[]): string[] {
  const items = typeof v === 'string' ? v.split(',') : [...v];
  const out: string[] = [];
  for (const i of items) {
    if (typeof i !== 'string') throw new Error(`models: ${JSON.stringify(i)} is not a model id or pattern`);
    const p = i.trim();
    if (p !== '') out.push(p);
  }
  if (out.length === 0) throw new Error('models: give at least one model id or pattern (like openai/*)');
  return out;
}

const globs = new Map<string, RegExp>();
function glob(p: string): RegExp {
  let r = globs.get(p);
  if (r === undefined) {
    r = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    if (globs.size > 1000) globs.clear();
    globs.set(p, r);
  }
  return r;
}

/** Does a model id match one of the patterns (`*` matches anything)? A `:variant` suffix is tried without it too. */
export function modelAllowed(patterns: readonly string[] | undefined, id: string): boolean {
  if (patterns === undefined) return true;
  const colon = id.lastIndexOf(':');
  const base = colon > 0 ? id.slice(0, colon) : id;
  return patterns.some((p) => glob(p).test(id) || glob(p).test(base));
}
