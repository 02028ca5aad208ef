/**
 * `state:` in the config → the process's SharedState: `{ type: redis, url: redis://…, prefix? }`
 * shares rate limits, credit holds and endpoint health between replicas; anything else (or no
 * section) is in-process. One instance per Config, shared by the features of one gateway, closed
 * with the last handle (like openDb).
 */
import type { Config } from '../config/types.js';
import { MemoryState } from './memory.js';
import type { SharedState } from './types.js';

export interface StateConfig {
  type: 'memory' | 'redis';
  url: string | undefined;
  prefix: string;
}

export function stateConfig(config: Config): StateConfig {
  const raw = config.raw.state;
  const s = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const url = typeof s.url === 'string' && s.url !== '' ? s.url : undefined;
  const declared = typeof s.type === 'string' ? s.type : typeof s.driver === 'string' ? s.driver : undefined;
  const type = declared ?? (url !== undefined && /^rediss?:/.test(url) ? 'redis' : 'memory');
  if (type !== 'redis' && type !== 'memory') throw new Error(`state.type: unknown type "${type}" (one of memory, redis)`);
  if (type === 'redis' && url === undefined) throw new Error('state.url: required for Redis (redis://host:6379)');
  return { type, url, prefix: typeof s.prefix === 'string' && s.prefix !== '' ? s.prefix : 'switchyard:' };
}

const shared = new WeakMap<Config, { state: Promise<SharedState>; refs: number }>();

export async function openState(config: Config): Promise<SharedState> {
  let entry = shared.get(config);
  if (entry === undefined) {
    const s = stateConfig(config);
    // ioredis is loaded only when configured (~20 MiB of RSS otherwise)
    entry = { state: s.type === 'redis' ? import('./redis.js').then((m) => m.RedisState.open({ url: s.url!, prefix: s.prefix })) : Promise.resolve(new MemoryState()), refs: 0 };
    shared.set(config, entry);
    entry.state.catch(() => shared.delete(config));
  }
  entry.refs++;
  const e = entry;
  const state = await e.state;
  let closed = false;
  return {
    kind: state.kind,
    hit: (...a) => state.hit(...a),
    tokens: (...a) => state.tokens(...a),
    addTokens: (...a) => state.addTokens(...a),
    reserve: (...a) => state.reserve(...a),
    admit: (...a) => state.admit(...a),
    settle: (...a) => state.settle(...a),
    close: async () => {
      if (closed) return;
      closed = true;
      if (--e.refs === 0) {
        shared.delete(config);
        await state.close();
      }
    },
  };
}

export type { SharedState } from './types.js';
