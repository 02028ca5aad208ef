/**
 * Stored keys at request time: authentication (resolveKey), the checks before routing (model
 * allow-list → 403, request rate and tokens per minute → 429, credit limit → 402) and charging
 * once the request has ended: at once in the shared state (holds, token windows), and in batches
 * in the store's ledger (`flushMs`, default 50 ms). Key rows are cached for `cacheMs` (default 250 ms), so a key
 * disabled on any replica (or by the CLI) is refused everywhere well within a second.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Catalog } from '../router/catalog.js';
import type { CanonicalRequest } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import type { Principal } from '../server/auth.js';
import type { ChatRecord } from '../server/chat.js';
import type { SharedState } from '../state/types.js';
import { keyIdOf, verifyKey } from './keys-crypto.js';
import { formatRate, modelAllowed } from './keys-policy.js';
import type { KeyRecord, KeyStore } from './keys.js';
import { costOf, worstCaseCost } from './usage-cost.js';
import type { Charge, UsageStore } from './usage.js';

export interface KeyPrincipal extends Principal {
  kind: 'key';
  key: KeyRecord;
  /** The credit held for this request (set by before, settled by after). */
  hold?: { id: string; amount: number };
}

export const isKeyPrincipal = (p: Principal): p is KeyPrincipal => p.kind === 'key' && typeof p.key === 'object';

export interface KeyServiceOptions {
  cacheMs: number;
  /** How long an unsettled credit hold lives (a replica died mid-request), ms. */
  holdTtlMs: number;
  /** last_used_at is written at most this often per key and process, ms. */
  touchEveryMs: number;
  /** Charges are written in batches: at most this long after a request ends, ms. */
  flushMs: number;
}

const BATCH = 200;

type Credentials = { salt: string; hash: string; key: KeyRecord };

const TOKEN_WINDOW_MS = 60_000;

const authError = (message: string) => new GatewayError(401, message, { metadata: { error_type: 'authentication' }, retryable: false });

export class KeyService {
  private readonly cache = new Map<string, { at: number; row: Promise<Credentials | undefined> }>();
  private readonly touched = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly queue: Charge[] = [];
  private timer: NodeJS.Timeout | undefined;
  private anyKeys = false;

  constructor(
    readonly keys: KeyStore,
    readonly usage: UsageStore,
    readonly state: SharedState,
    private readonly catalog: Catalog,
    private readonly logger: Logger,
    private readonly opts: KeyServiceOptions,
  ) {}

  hasKeys(): boolean {
    return this.anyKeys;
  }

  async refreshHasKeys(): Promise<void> {
    this.anyKeys = await this.keys.any();
  }

  /** Audit log of key management (name and non-secret label only). */
  audit(event: 'created' | 'updated' | 'deleted', key: KeyRecord): void {
    this.logger.info({ key: key.label, name: key.name }, `keys: ${event} key "${key.name}"`);
  }

  /** Forget a cached key (after a local change). */
  invalidate(id: string): void {
    this.cache.delete(id);
  }

  noteCreated(): void {
    this.anyKeys = true;
  }

  /** The key's row, cached for cacheMs; concurrent lookups of one key share one query. */
  private credentials(id: string, now: number): Promise<Credentials | undefined> {
    const hit = this.cache.get(id);
    if (hit !== undefined && now - hit.at < this.opts.cacheMs) return hit.row;
    if (this.cache.size > 10_000) this.cache.clear();
    const entry = {
      at: now,
      row: this.keys.credentials(id).catch((e: unknown) => {
        if (this.cache.get(id) === entry) this.cache.delete(id);
        this.logger.error({ err: e }, 'keys: cannot read the key store');
        throw new GatewayError(503, 'API keys cannot be checked right now (key store unavailable); retry shortly', { metadata: { error_type: 'provider_unavailable' }, retryable: false, headers: { 'retry-after': '1' } });
      }),
    };
    this.cache.set(id, entry);
    return entry.row;
  }

  /** The principal of a stored key; undefined when the token is not one of ours; 401 when disabled or expired. */
  /** The stored key a token is; undefined at once (no promise) for a token that is not one of ours. */
  resolve(token: string): Promise<KeyPrincipal | undefined> | undefined {
    const id = keyIdOf(token);
    return id === undefined ? undefined : this.lookup(id, token);
  }

  private async lookup(id: string, token: string): Promise<KeyPrincipal | undefined> {
    const now = Date.now();
    const row = await this.credentials(id, now);
    if (row === undefined || !verifyKey(token, row.salt, row.hash)) return undefined;
    const key = row.key;
    if (key.disabled) throw authError(`API key "${key.name}" is disabled`);
    if (key.expiresAt !== undefined && key.expiresAt <= now) throw authError(`API key "${key.name}" expired at ${new Date(key.expiresAt).toISOString()}`);
    this.touch(key.id, now);
    return { kind: 'key', id: key.id, name: key.name, key };
  }

  private touch(id: string, now: number): void {
    const last = this.touched.get(id) ?? 0;
    if (now - last < this.opts.touchEveryMs) return;
    this.touched.set(id, now);
    this.track(this.keys.touch(id, now));
  }

  /** Refuses the request (403/429/402) or holds credit for it. */
  before(principal: Principal, req: CanonicalRequest): Promise<void> | undefined {
    if (!isKeyPrincipal(principal)) return undefined; // the master key and an open gateway are not limited: nothing to wait for
    return this.admit(principal, req);
  }

  private async admit(principal: KeyPrincipal, req: CanonicalRequest): Promise<void> {
    try {
      await this.check(principal, req);
    } catch (e) {
      if (!(e instanceof GatewayError)) {
        // the shared state (Redis) is unreachable: refuse rather than run a limited key unchecked
        this.logger.error({ err: e, key: principal.key.label }, 'keys: cannot check limits');
        throw new GatewayError(503, 'rate and credit limits cannot be checked right now (shared state unavailable); retry shortly', { metadata: { error_type: 'provider_unavailable' }, retryable: false, headers: { 'retry-after': '1' } });
      }
      this.logger.debug({ key: principal.key.label, status: e.status }, `keys: refused: ${e.message}`);
      throw e;
    }
  }

  private async check(principal: KeyPrincipal, req: CanonicalRequest): Promise<void> {
    const key = principal.key;
    const models = modelIds(req);
    const denied = models.filter((m) => !modelAllowed(key.models, m));
    if (denied.length > 0) {
      throw new GatewayError(403, `API key "${key.name}" may not use ${denied.map((m) => `"${m}"`).join(', ')} (allowed: ${key.models!.join(', ')})`, {
        metadata: { error_type: 'permission_denied', allowed_models: key.models },
        retryable: false,
      });
    }
    if (key.limit !== undefined && key.usage >= key.limit) throw paymentRequired(key, key.usage, 0);
    if (key.rate !== undefined || key.tokensPerMinute !== undefined || key.limit !== undefined) {
      // rate, tokens and credit in one atomic step (one round trip on Redis)
      const id = randomUUID();
      const amount = key.limit === undefined ? 0 : worstCaseCost(req, this.catalog, models);
      const d = await this.state.admit(key.id, {
        id,
        rate: key.rate === undefined ? undefined : { limit: key.rate.requests, windowMs: key.rate.intervalMs },
        tokens: key.tokensPerMinute === undefined ? undefined : { limit: key.tokensPerMinute, windowMs: TOKEN_WINDOW_MS },
        credit: key.limit === undefined ? undefined : { limit: key.limit, baseline: key.usage, amount, ttlMs: this.opts.holdTtlMs },
      });
      if (!d.ok) {
        if (d.refusedBy === 'rate') throw rateLimited(`API key "${key.name}" is over its rate limit of ${formatRate(key.rate)}`, d.rate.limit, d.rate.retryAfterMs, d.rate.resetMs);
        if (d.refusedBy === 'tokens') {
          const w = d.tokens;
          throw rateLimited(`API key "${key.name}" used ${w.used} tokens in the last minute; its limit is ${key.tokensPerMinute}/min`, key.tokensPerMinute!, w.oldestExpiresInMs, w.oldestExpiresInMs);
        }
        throw paymentRequired(key, d.credit.spent, d.credit.held);
      }
      if (key.limit !== undefined) principal.hold = { id, amount };
    }
    principal.admitted = true;
  }

  /** Charges a stored key for the request (off the request path). The generation log records every request. */
  after(record: ChatRecord): void {
    const p = record.principal;
    if (!isKeyPrincipal(p) || p.admitted !== true) return; // refused before routing (or invalid): nothing ran, nothing held
    this.track(this.charge(record, p));
  }

  private async charge(record: ChatRecord, p: KeyPrincipal): Promise<void> {
    const c = costOf(record);
    const key = p.key;
    if (p.hold !== undefined) {
      const hold = p.hold;
      p.hold = undefined;
      await this.state.settle(key.id, hold.id, c.cost);
    }
    if (key.tokensPerMinute !== undefined && c.promptTokens + c.completionTokens > 0) {
      await this.state.addTokens(key.id, c.promptTokens + c.completionTokens, TOKEN_WINDOW_MS, record.generationId);
    }
    this.queue.push({ generationId: record.generationId, keyId: key.id, principal: p.id, ...c, at: record.endedAt || Date.now() });
    if (this.queue.length >= BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.flushMs);
  }

  /** Writes the queued charges (one transaction). */
  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0);
    if (batch.length > 0) this.track(this.usage.chargeMany(batch));
  }

  private track(p: Promise<unknown>): void {
    const t = p.then(
      () => undefined,
      (e) => void this.logger.error({ err: e }, 'keys: could not record usage'),
    );
    this.pending.add(t);
    void t.finally(() => this.pending.delete(t));
  }

  /** Resolves when every charge started so far is written. */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.queue.length > 0) {
      if (this.pending.size === 0) this.flush();
      await Promise.all([...this.pending]);
    }
  }
}

export function modelIds(req: CanonicalRequest): string[] {
  const ids: string[] = [];
  if (typeof req.body.model === 'string' && req.body.model !== '') ids.push(req.body.model);
  for (const m of req.body.models ?? []) if (typeof m === 'string' && !ids.includes(m)) ids.push(m);
  return ids;
}

function rateLimited(message: string, limit: number, retryAfterMs: number, resetMs: number): GatewayError {
  const secs = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError(429, message, {
    metadata: { error_type: 'rate_limit_exceeded' },
    retryable: false,
    retryAfterMs,
    headers: {
      'retry-after': String(secs),
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Date.now() + Math.max(0, resetMs)),
    },
  });
}

const usd = (n: number) => `$${n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}`;

function paymentRequired(key: KeyRecord, spent: number, held: number): GatewayError {
  const inflight = held > 0 ? ` (+${usd(held)} held by requests in flight)` : '';
  return new GatewayError(402, `API key "${key.name}" has reached its credit limit: ${usd(spent)} used${inflight} of ${usd(key.limit!)}`, {
    metadata: { error_type: 'payment_required', limit: key.limit, usage: spent },
    retryable: false,
  });
}
