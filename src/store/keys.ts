/**
 * Stored API keys: rows of `api_keys` (salted hash, never the key), created, listed, changed and
 * looked up by the CLI, the admin API and authentication alike. Portable SQL (src/store/db.ts).
 */
import type { Db } from './db.js';
import { generateKey, keyIdOf, labelFor, verifyKey } from './keys-crypto.js';
import type { RateLimit } from './keys-policy.js';
import type { MigrationSet } from './migrations.js';

export const KEY_MIGRATIONS: MigrationSet = {
  namespace: 'keys',
  migrations: [
    {
      version: 1,
      name: 'create api_keys',
      up: [
        `CREATE TABLE IF NOT EXISTS api_keys (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          salt TEXT NOT NULL,
          hash TEXT NOT NULL,
          credit_limit DOUBLE PRECISION,
          rate_requests INTEGER,
          rate_interval_ms BIGINT,
          tokens_per_minute BIGINT,
          allowed_models TEXT,
          usage DOUBLE PRECISION NOT NULL DEFAULT 0,
          disabled INTEGER NOT NULL DEFAULT 0,
          expires_at BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT,
          last_used_at BIGINT
        )`,
        'CREATE UNIQUE INDEX IF NOT EXISTS api_keys_name ON api_keys (name)',
      ],
    },
  ],
};

export interface KeyRecord {
  id: string;
  name: string;
  /** `sk-sy-v1-<id>...`: all that is ever shown after creation. */
  label: string;
  /** Credit limit, USD; undefined = unlimited. */
  limit: number | undefined;
  rate: RateLimit | undefined;
  tokensPerMinute: number | undefined;
  /** Model id patterns; undefined = every model. */
  models: string[] | undefined;
  /** Settled usage, USD. */
  usage: number;
  disabled: boolean;
  expiresAt: number | undefined;
  createdAt: number;
  updatedAt: number | undefined;
  lastUsedAt: number | undefined;
}

export interface KeySettings {
  limit?: number | null;
  rate?: RateLimit | null;
  tokensPerMinute?: number | null;
  models?: string[] | null;
  expiresAt?: number | null;
  disabled?: boolean;
  name?: string;
}

interface Row {
  id: string;
  name: string;
  salt: string;
  hash: string;
  credit_limit: number | null;
  rate_requests: number | null;
  rate_interval_ms: number | null;
  tokens_per_minute: number | null;
  allowed_models: string | null;
  usage: number;
  disabled: number;
  expires_at: number | null;
  created_at: number;
  updated_at: number | null;
  last_used_at: number | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toRecord(r: Row): KeyRecord {
  return {
    id: r.id,
    name: r.name,
    label: labelFor(r.id),
    limit: opt(r.credit_limit),
    rate: r.rate_requests !== null && r.rate_interval_ms !== null ? { requests: Number(r.rate_requests), intervalMs: Number(r.rate_interval_ms) } : undefined,
    tokensPerMinute: opt(r.tokens_per_minute),
    models: r.allowed_models === null ? undefined : (JSON.parse(r.allowed_models) as string[]),
    usage: Number(r.usage),
    disabled: Number(r.disabled) === 1,
    expiresAt: opt(r.expires_at),
    createdAt: Number(r.created_at),
    updatedAt: opt(r.updated_at),
    lastUsedAt: opt(r.last_used_at),
  };
}

export class KeyError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** Column values for the settings that were given (undefined = leave as is, null = clear). */
function columns(s: KeySettings): Record<string, string | number | null> {
  const c: Record<string, string | number | null> = {};
  if (s.name !== undefined) c.name = s.name;
  if (s.limit !== undefined) c.credit_limit = s.limit;
  if (s.rate !== undefined) {
    c.rate_requests = s.rate === null ? null : s.rate.requests;
    c.rate_interval_ms = s.rate === null ? null : s.rate.intervalMs;
  }
  if (s.tokensPerMinute !== undefined) c.tokens_per_minute = s.tokensPerMinute;
  if (s.models !== undefined) c.allowed_models = s.models === null ? null : JSON.stringify(s.models);
  if (s.expiresAt !== undefined) c.expires_at = s.expiresAt;
  if (s.disabled !== undefined) c.disabled = s.disabled ? 1 : 0;
  return c;
}

function checkName(name: string): void {
  if (name.trim() === '' || name.length > 200) throw new KeyError(400, 'name: required, 1-200 characters');
}

export class KeyStore {
  constructor(readonly db: Db) {}

  /** Creates a key; the token in the result is the only copy there will ever be. */
  async create(name: string, settings: KeySettings = {}, now = Date.now()): Promise<{ key: KeyRecord; token: string }> {
    checkName(name);
    if ((await this.byName(name)) !== undefined) throw new KeyError(409, `a key named "${name}" already exists`);
    const m = generateKey();
    const c = { ...columns(settings), name };
    const cols = ['id', 'salt', 'hash', 'created_at', ...Object.keys(c)];
    const vals = [m.id, m.salt, m.hash, now, ...Object.values(c)];
    try {
      await this.db.exec(`INSERT INTO api_keys (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, vals);
    } catch (e) {
      if ((await this.byName(name)) !== undefined) throw new KeyError(409, `a key named "${name}" already exists`);
      throw e;
    }
    return { key: (await this.byId(m.id))!, token: m.token };
  }

  async list(includeDisabled = true): Promise<KeyRecord[]> {
    const rows = await this.db.query<Row>(`SELECT * FROM api_keys${includeDisabled ? '' : ' WHERE disabled = 0'} ORDER BY created_at, name`);
    return rows.map(toRecord);
  }

  async byId(id: string): Promise<KeyRecord | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM api_keys WHERE id = ?', [id]);
    return r === undefined ? undefined : toRecord(r);
  }

  async byName(name: string): Promise<KeyRecord | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM api_keys WHERE name = ?', [name]);
    return r === undefined ? undefined : toRecord(r);
  }

  /** By id (the admin API's `hash`) or by name (the CLI); 404 otherwise. */
  async find(ref: string): Promise<KeyRecord> {
    const k = (await this.byId(ref)) ?? (await this.byName(ref));
    if (k === undefined) throw new KeyError(404, `no key "${ref}"`);
    return k;
  }

  async update(id: string, settings: KeySettings, now = Date.now()): Promise<KeyRecord> {
    if (settings.name !== undefined) {
      checkName(settings.name);
      const other = await this.byName(settings.name);
      if (other !== undefined && other.id !== id) throw new KeyError(409, `a key named "${settings.name}" already exists`);
    }
    const c = { ...columns(settings), updated_at: now };
    const { changes } = await this.db.exec(`UPDATE api_keys SET ${Object.keys(c).map((k) => `${k} = ?`).join(', ')} WHERE id = ?`, [...Object.values(c), id]);
    if (changes === 0) throw new KeyError(404, `no key "${id}"`);
    return (await this.byId(id))!;
  }

  async delete(id: string): Promise<void> {
    const { changes } = await this.db.exec('DELETE FROM api_keys WHERE id = ?', [id]);
    if (changes === 0) throw new KeyError(404, `no key "${id}"`);
  }

  async any(): Promise<boolean> {
    return (await this.db.get('SELECT id FROM api_keys LIMIT 1')) !== undefined;
  }

  /** The key a presented token belongs to (any state: the caller checks disabled/expired), else undefined. */
  async verify(token: string): Promise<KeyRecord | undefined> {
    const id = keyIdOf(token);
    const c = id === undefined ? undefined : await this.credentials(id);
    return c !== undefined && verifyKey(token, c.salt, c.hash) ? c.key : undefined;
  }

  /** Salt, hash and record of a key id (for verification by a caller that caches them). */
  async credentials(id: string): Promise<{ salt: string; hash: string; key: KeyRecord } | undefined> {
    const r = await this.db.get<Row>('SELECT * FROM api_keys WHERE id = ?', [id]);
    return r === undefined ? undefined : { salt: r.salt, hash: r.hash, key: toRecord(r) };
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.exec('UPDATE api_keys SET last_used_at = ? WHERE id = ?', [at, id]);
  }
}
