/**
 * The endpoint-health store for a config: shared through Redis when `state: { type: redis }`,
 * else in-process. `sharedHealthPlanner` is what a feature contributes so the router's planner
 * reads the shared health (without Redis it contributes nothing and the router keeps its own).
 */
import type { Config } from '../config/types.js';
import type { CandidatePlanner } from '../router/execute.js';
import { MemoryHealth, type HealthStore } from '../router/health.js';
import { routingOptions } from '../router/options.js';
import { createPlanner } from '../router/planner.js';
import { stateConfig } from './index.js';

export async function createHealthStore(config: Config): Promise<HealthStore> {
  const s = stateConfig(config);
  const opts = routingOptions(config.raw.routing).health;
  // ioredis is loaded only when configured
  return s.type === 'redis' ? (await import('./health-redis.js')).RedisHealth.open(s.url!, s.prefix, opts) : new MemoryHealth(opts);
}

/** With Redis state: the routing planner over shared health, and how to close it. */
export async function sharedHealthPlanner(config: Config): Promise<{ planner: CandidatePlanner; close: () => Promise<void> } | undefined> {
  if (stateConfig(config).type !== 'redis') return undefined;
  const health = await createHealthStore(config);
  return { planner: createPlanner({ health }), close: async () => void (await health.close?.()) };
}
