/**
 * The usage ledger: one row per generation (so charging is idempotent), and the key's running
 * total updated in the same transaction (batches: one transaction for many requests). Daily/weekly/monthly figures are sums over the ledger
 * (UTC calendar periods, as OpenRouter reports them).
 */
import type { Db } from './db.js';
import type { MigrationSet } from './migrations.js';

export const USAGE_MIGRATIONS: MigrationSet = {
  namespace: 'usage',
  migrations: [
    {
      version: 1,
      name: 'create usage_events',
      up: [
        `CREATE TABLE IF NOT EXISTS usage_events (
          generation_id TEXT PRIMARY KEY,
          key_id TEXT,
          principal TEXT NOT NULL,
          model TEXT,
          provider TEXT,
          prompt_tokens BIGINT NOT NULL,
          completion_tokens BIGINT NOT NULL,
          cost DOUBLE PRECISION NOT NULL,
          estimated INTEGER NOT NULL,
          outcome TEXT NOT NULL,
          created_at BIGINT NOT NULL
        )`,
        'CREATE INDEX IF NOT EXISTS usage_events_key_time ON usage_events (key_id, created_at)',
      ],
    },
  ],
};

export interface Charge {
  generationId: string;
  /** Stored key charged, if any. */
  keyId: string | undefined;
  /** Principal id (key id, master hash, anonymous). */
  principal: string;
  model: string | undefined;
  provider: string | undefined;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  /** True when the upstream reported no usage and the tokens are an estimate. */
  estimated: boolean;
  outcome: 'ok' | 'cancelled' | 'error';
  at: number;
}

export interface UsageWindows {
  daily: number;
  weekly: number;
  monthly: number;
}

/** Starts of the current UTC day, ISO week (Monday) and month. */
export function periodStarts(now: number): { day: number; week: number; month: number } {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const week = day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return { day, week, month };
}

export class UsageStore {
  constructor(readonly db: Db) {}

  /** Records one generation's usage and adds its cost to the key; a repeated generation id is ignored. */
  async charge(c: Charge): Promise<boolean> {
    return (await this.chargeMany([c])) === 1;
  }

  /** Records several in one transaction; returns how many were new. */
  async chargeMany(charges: readonly Charge[]): Promise<number> {
    if (charges.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      let added = 0;
      const perKey = new Map<string, number>();
      for (const c of charges) {
        const { changes } = await tx.exec(
          `INSERT INTO usage_events (generation_id, key_id, principal, model, provider, prompt_tokens, completion_tokens, cost, estimated, outcome, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (generation_id) DO NOTHING`,
          [c.generationId, c.keyId ?? null, c.principal, c.model ?? null, c.provider ?? null, c.promptTokens, c.completionTokens, c.cost, c.estimated, c.outcome, c.at],
        );
        if (changes === 0) continue;
        added++;
        if (c.keyId !== undefined && c.cost !== 0) perKey.set(c.keyId, (perKey.get(c.keyId) ?? 0) + c.cost);
      }
      for (const [id, cost] of perKey) await tx.exec('UPDATE api_keys SET usage = usage + ? WHERE id = ?', [cost, id]);
      return added;
    });
  }

  async windows(keyId: string, now = Date.now()): Promise<UsageWindows> {
    const p = periodStarts(now);
    const since = Math.min(p.week, p.month);
    const r = await this.db.get<{ d: number | null; w: number | null; m: number | null }>(
      `SELECT SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END) AS d,
              SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END) AS w,
              SUM(CASE WHEN created_at >= ? THEN cost ELSE 0 END) AS m
       FROM usage_events WHERE key_id = ? AND created_at >= ?`,
      [p.day, p.week, p.month, keyId, since],
    );
    return { daily: Number(r?.d ?? 0), weekly: Number(r?.w ?? 0), monthly: Number(r?.m ?? 0) };
  }

  /** Sum of every recorded cost (all principals). */
  async total(): Promise<number> {
    const r = await this.db.get<{ s: number | null }>('SELECT SUM(cost) AS s FROM usage_events');
    return Number(r?.s ?? 0);
  }

  async events(keyId: string): Promise<Charge[]> {
    const rows = await this.db.query<Record<string, unknown>>('SELECT * FROM usage_events WHERE key_id = ? ORDER BY created_at', [keyId]);
    return rows.map((r) => ({
      generationId: String(r.generation_id),
      keyId: r.key_id === null ? undefined : String(r.key_id),
      principal: String(r.principal),
      model: r.model === null ? undefined : String(r.model),
      provider: r.provider === null ? undefined : String(r.provider),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      cost: Number(r.cost),
      estimated: Number(r.estimated) === 1,
      outcome: String(r.outcome) as Charge['outcome'],
      at: Number(r.created_at),
    }));
  }
}
