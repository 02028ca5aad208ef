/**
 * Optional features (routing preferences, generation log, keys and budgets, …) plug into the
 * gateway through `GatewayExtensions`. Each feature is one entry in FEATURES: a function of the
 * config that returns the extensions it contributes. Hooks of several features are chained in
 * order; the first planner wins.
 */
import type { Logger } from 'pino';
import type { Config } from './config/types.js';
import type { GatewayExtensions, Route } from './server/app.js';
import type { ChatHooks } from './server/chat.js';
import { generationsFeature } from './store/generations-feature.js';
import { keysFeature } from './store/keys-feature.js';

export interface FeatureContext {
  logger: Logger;
}

export type Feature = (config: Config, ctx: FeatureContext) => Promise<GatewayExtensions | undefined> | GatewayExtensions | undefined;

const FEATURES: Feature[] = [
  generationsFeature,
  keysFeature,
];

export async function buildExtensions(config: Config, ctx: FeatureContext, features: readonly Feature[] = FEATURES): Promise<GatewayExtensions> {
  const parts: GatewayExtensions[] = [];
  for (const f of features) {
    const ext = await f(config, ctx);
    if (ext !== undefined) parts.push(ext);
  }
  return mergeExtensions(parts);
}

export function mergeExtensions(parts: GatewayExtensions[]): GatewayExtensions {
  const befores = parts.map((p) => p.hooks?.before).filter((f): f is NonNullable<ChatHooks['before']> => f !== undefined);
  const afters = parts.map((p) => p.hooks?.after).filter((f): f is NonNullable<ChatHooks['after']> => f !== undefined);
  const resolvers = parts.map((p) => p.resolveKey).filter((f): f is NonNullable<GatewayExtensions['resolveKey']> => f !== undefined);
  const hasKeys = parts.map((p) => p.hasKeys).filter((f): f is () => boolean => f !== undefined);
  const closers = parts.map((p) => p.onClose).filter((f): f is () => Promise<void> | void => f !== undefined);
  const routes: Route[] = parts.flatMap((p) => p.routes ?? []);
  const out: GatewayExtensions = { routes };
  const planner = parts.find((p) => p.planner !== undefined)?.planner;
  if (planner !== undefined) out.planner = planner;
  if (befores.length > 0 || afters.length > 0) {
    out.hooks = {
      before: befores.length <= 1 ? befores[0] : async (principal, req) => {
        for (const b of befores) await b(principal, req);
      },
      after: afters.length <= 1 ? afters[0] : (record) => {
        for (const a of afters) a(record);
      },
    };
  }
  if (resolvers.length === 1) out.resolveKey = resolvers[0];
  else if (resolvers.length > 1) {
    out.resolveKey = async (token) => {
      for (const r of resolvers) {
        const p = await r(token);
        if (p !== undefined) return p;
      }
      return undefined;
    };
  }
  if (hasKeys.length > 0) out.hasKeys = () => hasKeys.some((f) => f());
  if (closers.length > 0) out.onClose = async () => {
    for (const c of closers.reverse()) await c();
  };
  return out;
}
