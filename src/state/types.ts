/**
 * Hot, shared state that must be atomic across gateway replicas: per-key request rate limits
 * (sliding-window log), tokens-per-minute windows, and credit reservations ("holds") against a
 * key's limit. `MemoryState` serves one process; `RedisState` (Lua scripts, one round trip each)
 * makes every replica see the same counters. Durable totals stay in the store (src/store/).
 */

export interface RateDecision {
  ok: boolean;
  limit: number;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /** When refused: ms until a slot frees. */
  retryAfterMs: number;
  /** ms until the window is empty again. */
  resetMs: number;
}

export interface TokenWindow {
  /** Tokens recorded in the window. */
  used: number;
  /** ms until the oldest entry leaves the window (0 when empty). */
  oldestExpiresInMs: number;
}

export interface ReserveRequest {
  /** The key's credit limit, USD. */
  limit: number;
  /** The durable usage the caller knows of (USD); the state takes the larger of this and its own. */
  baseline: number;
  /** Worst-case cost of the request being admitted, USD. */
  amount: number;
  /** Unique id of this hold (the generation id). */
  holdId: string;
  /** A hold never settled (a crashed replica) is dropped after this long, ms. */
  ttlMs: number;
}

export interface ReserveDecision {
  ok: boolean;
  /** Settled spend, USD. */
  spent: number;
  /** Outstanding holds (including this one when admitted), USD. */
  held: number;
}

/** The checks of one request, made together (one round trip on Redis), in this order. */
export interface AdmitRequest {
  /** Unique id of the request (rate-log member, hold id). */
  id: string;
  rate?: { limit: number; windowMs: number };
  /** Refuse when this many tokens were already recorded in the window. */
  tokens?: { limit: number; windowMs: number };
  credit?: Omit<ReserveRequest, 'holdId'>;
}

export type AdmitDecision =
  | { ok: true; rate?: RateDecision; credit?: ReserveDecision }
  | { ok: false; refusedBy: 'rate'; rate: RateDecision }
  | { ok: false; refusedBy: 'tokens'; tokens: TokenWindow }
  | { ok: false; refusedBy: 'credit'; credit: ReserveDecision };

export interface SharedState {
  readonly kind: 'memory' | 'redis';
  /** Sliding-window log: admits and counts one request when fewer than `limit` were admitted in the last `windowMs`. */
  hit(key: string, limit: number, windowMs: number, id: string): Promise<RateDecision>;
  /** Tokens recorded for `key` in the last `windowMs`. */
  tokens(key: string, windowMs: number): Promise<TokenWindow>;
  /** Records tokens used by one request. */
  addTokens(key: string, tokens: number, windowMs: number, id: string): Promise<void>;
  /**
   * Admits a request against a credit limit when settled spend + outstanding holds is below the
   * limit, and then holds `amount` for it. Atomic: concurrent callers on any replica see each
   * other's holds, so the limit is overshot by at most one request's cost.
   */
  reserve(key: string, r: ReserveRequest): Promise<ReserveDecision>;
  /**
   * `hit`, then `tokens`, then `reserve` for the key (each only when asked for), stopping at the
   * first refusal. A credit hold, when made, has the request's id.
   */
  admit(key: string, r: AdmitRequest): Promise<AdmitDecision>;
  /** Ends a hold and adds the request's real cost to the settled spend. */
  settle(key: string, holdId: string, cost: number): Promise<void>;
  close(): Promise<void>;
}
