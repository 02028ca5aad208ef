/** In-process `SharedState`: exact for one gateway process (JS runs each call to completion). */
import type { RateDecision, ReserveDecision, ReserveRequest, SharedState, TokenWindow } from './types.js';

interface Credit {
  spent: number;
  holds: Map<string, { amount: number; expiresAt: number }>;
}

export class MemoryState implements SharedState {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, number[]>();
  private readonly tokenLogs = new Map<string, { at: number; n: number }[]>();
  private readonly credits = new Map<string, Credit>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    const log = (this.logs.get(key) ?? []).filter((t) => t > now - windowMs);
    this.logs.set(key, log);
    if (log.length < limit) {
      log.push(now);
      return { ok: true, limit, remaining: limit - log.length, retryAfterMs: 0, resetMs: log[0]! + windowMs - now };
    }
    const wait = log[0]! + windowMs - now;
    return { ok: false, limit, remaining: 0, retryAfterMs: Math.max(1, wait), resetMs: log[log.length - 1]! + windowMs - now };
  }

  async tokens(key: string, windowMs: number): Promise<TokenWindow> {
    const now = this.now();
    const log = (this.tokenLogs.get(key) ?? []).filter((e) => e.at > now - windowMs);
    this.tokenLogs.set(key, log);
    return { used: log.reduce((s, e) => s + e.n, 0), oldestExpiresInMs: log.length === 0 ? 0 : log[0]!.at + windowMs - now };
  }

  async addTokens(key: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    const log = this.tokenLogs.get(key) ?? [];
    log.push({ at: this.now(), n: tokens });
    this.tokenLogs.set(key, log);
  }

  private credit(key: string): Credit {
    let c = this.credits.get(key);
    if (c === undefined) {
      c = { spent: 0, holds: new Map() };
      this.credits.set(key, c);
    }
    return c;
  }

  async reserve(key: string, r: ReserveRequest): Promise<ReserveDecision> {
    const now = this.now();
    const c = this.credit(key);
    c.spent = Math.max(c.spent, r.baseline);
    let held = 0;
    for (const [id, h] of c.holds) {
      if (h.expiresAt <= now) c.holds.delete(id);
      else held += h.amount;
    }
    if (c.spent + held >= r.limit) return { ok: false, spent: c.spent, held };
    c.holds.set(r.holdId, { amount: r.amount, expiresAt: now + r.ttlMs });
    return { ok: true, spent: c.spent, held: held + r.amount };
  }

  async settle(key: string, holdId: string, cost: number): Promise<void> {
    const c = this.credit(key);
    c.holds.delete(holdId);
    c.spent += cost;
  }

  async close(): Promise<void> {
    this.logs.clear();
    this.tokenLogs.clear();
    this.credits.clear();
  }
}
