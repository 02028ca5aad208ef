/**
 * The keys feature (one entry in src/features.ts): stored API keys, their limits and usage, on the
 * configured store (`storage:`) and state (`state:`). With `state: { type: redis }` it also
 * contributes the routing planner over endpoint health shared by all replicas. Optional `keys:`:
 *   keys: { cache_ms: 250, flush_ms: 50, hold_ttl_ms: <longest provider timeout + 60 s>, touch_every_ms: 5000 }
 */
import cluster from 'node:cluster';
import type { Config } from '../config/types.js';
import type { Feature } from '../features.js';
import { Catalog } from '../router/catalog.js';
import { keyRoutes } from '../server/keys.js';
import { sharedHealthPlanner } from '../state/health.js';
import { openState } from '../state/index.js';
import { openDb, type Db } from './db.js';
import { KEY_MIGRATIONS, KeyStore } from './keys.js';
import { KeyService, type KeyServiceOptions } from './keys-service.js';
import { migrate } from './migrations.js';
import { USAGE_MIGRATIONS, UsageStore } from './usage.js';

/** Opens the store with the keys and usage tables migrated (the CLI uses this too). */
export async function openKeyStores(config: Config): Promise<{ db: Db; keys: KeyStore; usage: UsageStore }> {
  const db = await openDb(config);
  try {
    await migrate(db, [KEY_MIGRATIONS, USAGE_MIGRATIONS]);
  } catch (e) {
    await db.close();
    throw e;
  }
  return { db, keys: new KeyStore(db), usage: new UsageStore(db) };
}

function options(config: Config): KeyServiceOptions {
  const raw = config.raw.keys;
  const k = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  const longest = Math.max(0, ...[...config.providers.values()].map((p) => p.timeout_ms));
  return { cacheMs: num(k.cache_ms, 250), holdTtlMs: num(k.hold_ttl_ms, longest + 60_000), touchEveryMs: num(k.touch_every_ms, 5000), flushMs: num(k.flush_ms, 50) };
}

/** The running service of a gateway built from this config (tests and the CLI look it up). */
export const services = new WeakMap<Config, KeyService>();

export const keysFeature: Feature = async (config, ctx) => {
  const { db, keys, usage } = await openKeyStores(config);
  const state = await openState(config).catch(async (e) => {
    await db.close();
    throw e;
  });
  const shared = await sharedHealthPlanner(config).catch(async (e) => {
    await state.close();
    await db.close();
    throw e;
  });
  const service = new KeyService(keys, usage, state, new Catalog(config), ctx.logger, options(config));
  await service.refreshHasKeys();
  if (cluster.isWorker && state.kind === 'memory' && service.hasKeys()) {
    ctx.logger.warn('keys: with --workers and in-process state, rate limits and credit holds are per worker; set state: { type: redis, url: … } to share them');
  }
  services.set(config, service);
  // Without a master key, the gateway is open until a key exists: notice keys made elsewhere (CLI, another replica).
  const poll = config.master_key === undefined ? setInterval(() => void service.refreshHasKeys().catch(() => undefined), 1000) : undefined;
  poll?.unref();
  return {
    ...(shared !== undefined ? { planner: shared.planner } : {}),
    resolveKey: (token) => service.resolve(token),
    hasKeys: () => service.hasKeys(),
    hooks: { before: (p, req) => service.before(p, req), after: (r) => service.after(r) },
    routes: keyRoutes(service),
    onClose: async () => {
      if (poll !== undefined) clearInterval(poll);
      await service.idle();
      services.delete(config);
      await shared?.close();
      await state.close();
      await db.close();
    },
  };
};
