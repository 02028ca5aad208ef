/**
 * Key routes. For the calling key: GET /api/v1/key (and /api/v1/auth/key), GET /api/v1/credits.
 * Admin (master key; OpenRouter's provisioning-key API): GET/POST /api/v1/keys,
 * GET/PATCH/DELETE /api/v1/keys/{hash}, where `hash` is the key id (a name works too).
 * Switchyard's own key settings ride along in the same bodies: `rate_limit` ({requests,
 * interval} or "60/m"), `tokens_per_minute`, `allowed_models`.
 */
import { GatewayError } from '../schema/errors.js';
import { KeyError, type KeyRecord, type KeySettings } from '../store/keys.js';
import { formatInterval, parseDuration, parseExpires, parseModels, parseRate, parseUsd, type RateLimit } from '../store/keys-policy.js';
import { isKeyPrincipal, type KeyService } from '../store/keys-service.js';
import type { UsageWindows } from '../store/usage.js';
import type { Route, RouteContext } from './app.js';
import type { Principal } from './auth.js';
import { parseJsonBody, readBody, sendJson } from './http.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const round = (x: number) => Math.round(x * 1e12) / 1e12;

/** OpenRouter's key object (what the SDK's apiKeys.* parse), plus Switchyard's limits. */
export function keyData(k: KeyRecord, w: UsageWindows) {
  return {
    hash: k.id,
    name: k.name,
    label: k.label,
    disabled: k.disabled,
    limit: k.limit ?? null,
    limit_remaining: k.limit === undefined ? null : round(Math.max(0, k.limit - k.usage)),
    limit_reset: null,
    include_byok_in_limit: false,
    usage: round(k.usage),
    usage_daily: round(w.daily),
    usage_weekly: round(w.weekly),
    usage_monthly: round(w.monthly),
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    created_at: iso(k.createdAt)!,
    updated_at: iso(k.updatedAt),
    expires_at: iso(k.expiresAt),
    creator_user_id: null,
    external_user: null,
    workspace_id: 'default',
    rate_limit: k.rate === undefined ? null : { requests: k.rate.requests, interval: formatInterval(k.rate.intervalMs) },
    tokens_per_minute: k.tokensPerMinute ?? null,
    allowed_models: k.models ?? null,
    last_used_at: iso(k.lastUsedAt),
  };
}

const NO_RATE = { requests: -1, interval: '1m', note: 'this key has no request rate limit' };

/** GET /api/v1/key: the calling key (the master key and an open gateway get an unlimited pseudo-key whose usage is that of all stored keys). */
async function currentKey(service: KeyService, p: Principal) {
  const base = {
    is_free_tier: false,
    include_byok_in_limit: false,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    creator_user_id: null,
    organization_id: null,
    workspace_id: null,
    allowed_data_regions: ['global'],
    free_model_daily_requests: { limit: 0, used: 0, remaining: 0 },
  };
  if (isKeyPrincipal(p)) {
    const k = (await service.keys.byId(p.key.id)) ?? p.key;
    const d = keyData(k, await service.usage.windows(k.id));
    return {
      ...base,
      label: k.label,
      limit: d.limit,
      limit_remaining: d.limit_remaining,
      limit_reset: null,
      usage: d.usage,
      usage_daily: d.usage_daily,
      usage_weekly: d.usage_weekly,
      usage_monthly: d.usage_monthly,
      is_management_key: false,
      is_provisioning_key: false,
      expires_at: d.expires_at,
      rate_limit: k.rate === undefined ? NO_RATE : { requests: k.rate.requests, interval: formatInterval(k.rate.intervalMs), note: 'per key, shared by all replicas' },
    };
  }
  const total = round(await service.usage.total());
  return {
    ...base,
    label: p.kind === 'master' ? 'master key' : 'anonymous (open gateway)',
    limit: null,
    limit_remaining: null,
    limit_reset: null,
    usage: total,
    usage_daily: total,
    usage_weekly: total,
    usage_monthly: total,
    is_management_key: p.kind === 'master',
    is_provisioning_key: p.kind === 'master',
    expires_at: null,
    rate_limit: NO_RATE,
  };
}

const bad = (message: string) => new GatewayError(400, message, { metadata: { error_type: 'invalid_request' }, retryable: false });

function fromKeyError(e: unknown): never {
  if (e instanceof KeyError) throw new GatewayError(e.status, e.message, { metadata: { error_type: e.status === 404 ? 'not_found' : 'invalid_request' }, retryable: false });
  if (e instanceof Error && !(e instanceof GatewayError)) throw bad(e.message);
  throw e;
}

function parseRateField(v: unknown): RateLimit | null {
  if (v === null) return null;
  if (typeof v === 'string') return parseRate(v);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const requests = Number(o.requests);
    if (!Number.isSafeInteger(requests) || requests < 1) throw new Error('rate_limit.requests: must be a positive integer');
    if (typeof o.interval !== 'string') throw new Error('rate_limit.interval: must be a duration string like "1m"');
    return { requests, intervalMs: parseDuration(o.interval, 'rate_limit.interval') };
  }
  throw new Error('rate_limit: must be {requests, interval} or a string like "60/m"');
}

/** Admin request body → key settings (throws Error with the field's name). */
export function settingsFromBody(b: Record<string, unknown>, creating: boolean): KeySettings & { name?: string } {
  const s: KeySettings & { name?: string } = {};
  if (b.name !== undefined) {
    if (typeof b.name !== 'string') throw new Error('name: must be a string');
    s.name = b.name;
  } else if (creating) throw new Error('name: required');
  if (b.limit !== undefined) s.limit = b.limit === null ? null : parseUsd(b.limit, 'limit');
  if (b.limit_reset !== undefined && b.limit_reset !== null) throw new Error('limit_reset: periodic limit resets are not supported; use null (a fixed credit limit)');
  if (b.rate_limit !== undefined) s.rate = parseRateField(b.rate_limit);
  if (b.tokens_per_minute !== undefined) {
    const n = b.tokens_per_minute === null ? null : Number(b.tokens_per_minute);
    if (n !== null && !(Number.isSafeInteger(n) && n > 0)) throw new Error('tokens_per_minute: must be a positive integer or null');
    s.tokensPerMinute = n;
  }
  const models = b.allowed_models ?? b.models;
  if (models !== undefined) {
    if (models !== null && !Array.isArray(models) && typeof models !== 'string') throw new Error('allowed_models: must be a list of model ids or patterns');
    s.models = models === null ? null : parseModels(models as string | unknown[]);
  }
  if (b.expires_at !== undefined) {
    if (b.expires_at !== null && typeof b.expires_at !== 'string') throw new Error('expires_at: must be an ISO-8601 time or null');
    s.expiresAt = b.expires_at === null ? null : parseExpires(b.expires_at);
  }
  if (b.disabled !== undefined) {
    if (typeof b.disabled !== 'boolean') throw new Error('disabled: must be true or false');
    if (creating) throw new Error('disabled: not accepted at creation');
    s.disabled = b.disabled;
  }
  return s;
}

async function jsonBody(c: RouteContext): Promise<Record<string, unknown>> {
  const body = parseJsonBody(await readBody(c.req, 1024 * 1024));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** Only the master key may manage keys (an open gateway, loopback-only, lets anyone). */
async function admin(c: RouteContext): Promise<void> {
  const p = await c.auth();
  if (p.kind === 'key') {
    throw new GatewayError(403, 'managing keys needs the master key (a provisioning key); this is a regular API key', { metadata: { error_type: 'permission_denied' }, retryable: false });
  }
}

export function keyRoutes(service: KeyService): Route[] {
  const data = async (k: KeyRecord) => keyData(k, await service.usage.windows(k.id));
  const find = (ref: string) => service.keys.find(ref).catch(fromKeyError);
  const key = async (c: RouteContext) => sendJson(c.res, 200, { data: await currentKey(service, await c.auth()) });
  return [
    { method: 'GET', path: '/api/v1/key', handler: key },
    { method: 'GET', path: '/api/v1/auth/key', handler: key },
    {
      method: 'GET',
      path: '/api/v1/credits',
      handler: async (c) => {
        const p = await c.auth();
        if (isKeyPrincipal(p)) {
          const k = (await service.keys.byId(p.key.id)) ?? p.key;
          sendJson(c.res, 200, { data: { total_credits: round(k.limit ?? k.usage), total_usage: round(k.usage) } });
          return;
        }
        const total = round(await service.usage.total());
        sendJson(c.res, 200, { data: { total_credits: total, total_usage: total } });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/keys',
      handler: async (c) => {
        await admin(c);
        const includeDisabled = c.url.searchParams.get('include_disabled') === 'true';
        const offset = Math.max(0, Number(c.url.searchParams.get('offset') ?? 0) || 0);
        const all = await service.keys.list(includeDisabled);
        sendJson(c.res, 200, { data: await Promise.all(all.slice(offset, offset + 100).map(data)) });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/keys',
      handler: async (c) => {
        await admin(c);
        const body = await jsonBody(c);
        let s;
        try {
          s = settingsFromBody(body, true);
        } catch (e) {
          fromKeyError(e);
        }
        const { key, token } = await service.keys.create(s.name!, s).catch(fromKeyError);
        service.noteCreated();
        service.audit('created', key);
        sendJson(c.res, 201, { data: await data(key), key: token });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/keys\/([^/]+)$/,
      handler: async (c) => {
        await admin(c);
        sendJson(c.res, 200, { data: await data(await find(c.params[0]!)) });
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/v1\/keys\/([^/]+)$/,
      handler: async (c) => {
        await admin(c);
        const body = await jsonBody(c);
        const k = await find(c.params[0]!);
        let s;
        try {
          s = settingsFromBody(body, false);
        } catch (e) {
          fromKeyError(e);
        }
        const updated = await service.keys.update(k.id, s).catch(fromKeyError);
        service.invalidate(k.id);
        service.audit('updated', updated);
        sendJson(c.res, 200, { data: await data(updated) });
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/keys\/([^/]+)$/,
      handler: async (c) => {
        await admin(c);
        const k = await find(c.params[0]!);
        await service.keys.delete(k.id).catch(fromKeyError);
        service.invalidate(k.id);
        service.audit('deleted', k);
        await service.refreshHasKeys();
        sendJson(c.res, 200, { deleted: true });
      },
    },
  ];
}
