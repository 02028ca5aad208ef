/**
 * `SharedState` on Redis (`state: { type: redis, url: redis://… }`): every counter is updated by
 * one Lua script (src/state/lua.ts), atomic on the server, so all replicas share exact rate
 * windows and credit holds. Keys carry a `{keyId}` hash tag so one key's data stays on one slot.
 */
import { Redis } from 'ioredis';
import { ADMIT, CREDIT_RESERVE, CREDIT_SETTLE, RATE_HIT, TOKENS_ADD, TOKENS_USED } from './lua.js';
import { redactUrl } from './url.js';
import type { AdmitDecision, AdmitRequest, RateDecision, ReserveDecision, ReserveRequest, SharedState, TokenWindow } from './types.js';

/** How long settled spend stays cached in Redis after last use (it is re-read from the store after). */
const SPEND_TTL_MS = 3_600_000;

type Reply = (string | number)[];

interface Scripts {
  syRateHit(key: string, limit: number, windowMs: number, member: string): Promise<Reply>;
  syTokensUsed(key: string, windowMs: number): Promise<Reply>;
  syTokensAdd(key: string, windowMs: number, member: string): Promise<number>;
  syCreditReserve(spent: string, holds: string, expiry: string, limit: string, baseline: string, amount: string, holdId: string, ttl: number, spendTtl: number): Promise<Reply>;
  syCreditSettle(spent: string, holds: string, expiry: string, holdId: string, cost: string, spendTtl: number): Promise<number>;
  syAdmit(...args: (string | number)[]): Promise<Reply>;
}

export interface RedisStateOptions {
  url: string;
  /** Prefix of every key (default `switchyard:`). */
  prefix?: string;
}

/** Connects a client with sane timeouts; a wrong URL fails at start with a clear message. */
export async function connectRedis(url: string, name: string): Promise<Redis> {
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    connectionName: name,
    // no retries before the first connection (fail fast at start), backoff after
    retryStrategy: (times) => (connected ? Math.min(times * 100, 2000) : null),
  });
  client.on('error', () => undefined); // reconnects by itself; commands fail meanwhile
  try {
    await client.connect();
    await client.ping();
    connected = true;
  } catch (e) {
    client.disconnect();
    throw new Error(`state: cannot connect to Redis at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return client;
}

export class RedisState implements SharedState {
  readonly kind = 'redis' as const;
  private readonly r: Redis & Scripts;
  readonly prefix: string;

  constructor(client: Redis, prefix = 'switchyard:') {
    this.prefix = prefix;
    client.defineCommand('syRateHit', { numberOfKeys: 1, lua: RATE_HIT });
    client.defineCommand('syTokensUsed', { numberOfKeys: 1, lua: TOKENS_USED });
    client.defineCommand('syTokensAdd', { numberOfKeys: 1, lua: TOKENS_ADD });
    client.defineCommand('syCreditReserve', { numberOfKeys: 3, lua: CREDIT_RESERVE });
    client.defineCommand('syCreditSettle', { numberOfKeys: 3, lua: CREDIT_SETTLE });
    client.defineCommand('syAdmit', { numberOfKeys: 5, lua: ADMIT });
    this.r = client as Redis & Scripts;
  }

  static async open(opts: RedisStateOptions): Promise<RedisState> {
    return new RedisState(await connectRedis(opts.url, 'switchyard-state'), opts.prefix);
  }

  private k(kind: string, key: string): string {
    return `${this.prefix}${kind}:{${key}}`;
  }

  async hit(key: string, limit: number, windowMs: number, id: string): Promise<RateDecision> {
    const [ok, count, retry, reset] = (await this.r.syRateHit(this.k('rate', key), limit, windowMs, id)).map(Number);
    return ok === 1
      ? { ok: true, limit, remaining: limit - count!, retryAfterMs: 0, resetMs: reset! }
      : { ok: false, limit, remaining: 0, retryAfterMs: Math.max(1, retry!), resetMs: reset! };
  }

  async tokens(key: string, windowMs: number): Promise<TokenWindow> {
    const [used, oldest] = (await this.r.syTokensUsed(this.k('tpm', key), windowMs)).map(Number);
    return { used: used!, oldestExpiresInMs: oldest! };
  }

  async addTokens(key: string, tokens: number, windowMs: number, id: string): Promise<void> {
    if (tokens <= 0) return;
    await this.r.syTokensAdd(this.k('tpm', key), windowMs, `${id}:${Math.round(tokens)}`);
  }

  private creditKeys(key: string): [string, string, string] {
    return [this.k('spent', key), this.k('holds', key), this.k('hold-expiry', key)];
  }

  async reserve(key: string, r: ReserveRequest): Promise<ReserveDecision> {
    const [ok, spent, held] = await this.r.syCreditReserve(...this.creditKeys(key), String(r.limit), String(r.baseline), String(r.amount), r.holdId, r.ttlMs, SPEND_TTL_MS);
    return { ok: Number(ok) === 1, spent: Number(spent), held: Number(held) };
  }

  async admit(key: string, r: AdmitRequest): Promise<AdmitDecision> {
    const opt = (v: number | undefined) => (v === undefined ? '' : String(v));
    const c = r.credit;
    const out = await this.r.syAdmit(
      this.k('rate', key), this.k('tpm', key), ...this.creditKeys(key),
      r.id, opt(r.rate?.limit), opt(r.rate?.windowMs), opt(r.tokens?.limit), opt(r.tokens?.windowMs),
      opt(c?.limit), opt(c?.baseline), opt(c?.amount), r.id, opt(c?.ttlMs), SPEND_TTL_MS,
    );
    const [verdict, rOk, rCount, rRetry, rReset, tUsed, tOldest, cOk, cSpent, cHeld] = out.map(Number);
    const rate: RateDecision | undefined = r.rate === undefined ? undefined
      : rOk === 1 ? { ok: true, limit: r.rate.limit, remaining: r.rate.limit - rCount!, retryAfterMs: 0, resetMs: rReset! }
      : { ok: false, limit: r.rate.limit, remaining: 0, retryAfterMs: Math.max(1, rRetry!), resetMs: rReset! };
    const credit: ReserveDecision | undefined = c === undefined ? undefined : { ok: cOk === 1, spent: cSpent!, held: cHeld! };
    if (verdict === 0) return { ok: false, refusedBy: 'rate', rate: rate! };
    if (verdict === 2) return { ok: false, refusedBy: 'tokens', tokens: { used: tUsed!, oldestExpiresInMs: tOldest! } };
    if (verdict === 3) return { ok: false, refusedBy: 'credit', credit: credit! };
    return { ok: true, rate, credit };
  }

  async settle(key: string, holdId: string, cost: number): Promise<void> {
    await this.r.syCreditSettle(...this.creditKeys(key), holdId, String(cost), SPEND_TTL_MS);
  }

  async close(): Promise<void> {
    await this.r.quit().catch(() => this.r.disconnect());
  }
}
