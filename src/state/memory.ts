/** In-process `SharedState`: exact for one gateway process (JS runs each call to completion). */
import type { AdmitDecision, AdmitRequest, RateDecision, ReserveDecision, ReserveRequest, SharedState, TokenWindow } from './types.js';

/** Timestamps (ascending) with an amount each; old entries are dropped from the front in O(1) amortised. */
class Window {
  private at: number[] = [];
  private n: number[] = [];
  private head = 0;
  sum = 0;

  get size(): number {
    return this.at.length - this.head;
  }

  first(): number | undefined {
    return this.at[this.head];
  }

  last(): number | undefined {
    return this.size === 0 ? undefined : this.at[this.at.length - 1];
  }

  push(at: number, n = 1): void {
    this.at.push(at);
    this.n.push(n);
    this.sum += n;
  }

  /** Drops entries at or before `cutoff`. */
  expire(cutoff: number): void {
    while (this.head < this.at.length && this.at[this.head]! <= cutoff) this.sum -= this.n[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.at.length) {
      this.at = this.at.slice(this.head);
      this.n = this.n.slice(this.head);
      this.head = 0;
    }
    if (this.size === 0) this.sum = 0;
  }
}

interface Credit {
  spent: number;
  /** Outstanding holds in insertion order, which is expiry order (one TTL per process). */
  holds: Map<string, { amount: number; expiresAt: number }>;
  /** Sum of the holds' amounts. */
  held: number;
}

export class MemoryState implements SharedState {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, Window>();
  private readonly tokenLogs = new Map<string, Window>();
  private readonly credits = new Map<string, Credit>();

  constructor(private readonly now: () => number = Date.now) {}

  private window(map: Map<string, Window>, key: string): Window {
    let w = map.get(key);
    if (w === undefined) {
      w = new Window();
      map.set(key, w);
    }
    return w;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    const log = this.window(this.logs, key);
    log.expire(now - windowMs);
    if (log.size < limit) {
      log.push(now);
      return { ok: true, limit, remaining: limit - log.size, retryAfterMs: 0, resetMs: log.first()! + windowMs - now };
    }
    return { ok: false, limit, remaining: 0, retryAfterMs: Math.max(1, log.first()! + windowMs - now), resetMs: log.last()! + windowMs - now };
  }

  async tokens(key: string, windowMs: number): Promise<TokenWindow> {
    const now = this.now();
    const log = this.window(this.tokenLogs, key);
    log.expire(now - windowMs);
    return { used: log.sum, oldestExpiresInMs: log.size === 0 ? 0 : log.first()! + windowMs - now };
  }

  async addTokens(key: string, tokens: number): Promise<void> {
    if (tokens > 0) this.window(this.tokenLogs, key).push(this.now(), tokens);
  }

  private credit(key: string): Credit {
    let c = this.credits.get(key);
    if (c === undefined) {
      c = { spent: 0, holds: new Map(), held: 0 };
      this.credits.set(key, c);
    }
    return c;
  }

  async reserve(key: string, r: ReserveRequest): Promise<ReserveDecision> {
    const now = this.now();
    const c = this.credit(key);
    c.spent = Math.max(c.spent, r.baseline);
    for (const [id, h] of c.holds) {
      if (h.expiresAt > now) break;
      this.drop(c, id);
    }
    if (c.spent + c.held >= r.limit) return { ok: false, spent: c.spent, held: c.held };
    c.holds.set(r.holdId, { amount: r.amount, expiresAt: now + r.ttlMs });
    c.held += r.amount;
    return { ok: true, spent: c.spent, held: c.held };
  }

  private drop(c: Credit, holdId: string): void {
    const h = c.holds.get(holdId);
    if (h === undefined) return;
    c.holds.delete(holdId);
    c.held = c.holds.size === 0 ? 0 : c.held - h.amount;
  }

  async admit(key: string, r: AdmitRequest): Promise<AdmitDecision> {
    const rate = r.rate === undefined ? undefined : await this.hit(key, r.rate.limit, r.rate.windowMs);
    if (rate !== undefined && !rate.ok) return { ok: false, refusedBy: 'rate', rate };
    if (r.tokens !== undefined) {
      const tokens = await this.tokens(key, r.tokens.windowMs);
      if (tokens.used >= r.tokens.limit) return { ok: false, refusedBy: 'tokens', tokens };
    }
    const credit = r.credit === undefined ? undefined : await this.reserve(key, { ...r.credit, holdId: r.id });
    if (credit !== undefined && !credit.ok) return { ok: false, refusedBy: 'credit', credit };
    return { ok: true, rate, credit };
  }

  async settle(key: string, holdId: string, cost: number): Promise<void> {
    const c = this.credit(key);
    this.drop(c, holdId);
    c.spent += cost;
  }

  async close(): Promise<void> {
    this.logs.clear();
    this.tokenLogs.clear();
    this.credits.clear();
  }
}
