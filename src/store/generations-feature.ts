/**
 * The generation log as a gateway feature: opens the store (storage.path), applies its
 * migrations, records every chat request through `hooks.after`, serves GET /api/v1/generation,
 * and flushes on close.
 *
 *   generations:
 *     enabled: true      # default
 *     flush_ms: 1000     # batch window: a crash loses at most this much of the log
 *     batch_size: 1000   # a full batch is written at once
 *     retention_days: 30 # optional: older records are deleted (hourly); default keep forever
 */
import type { Feature } from '../features.js';
import type { Config } from '../config/types.js';
import { generationRoutes } from '../server/generation.js';
import { openDb } from './db.js';
import { DEFAULT_LOG_OPTIONS, GENERATION_MIGRATIONS, GenerationLog, type GenerationLogOptions } from './generations.js';
import { fromChatRecord } from './generations-record.js';
import { migrate } from './migrations.js';

export interface GenerationFeatureOptions extends GenerationLogOptions {
  /** Records older than this are deleted; undefined keeps them all. */
  retentionMs: number | undefined;
}

const PRUNE_EVERY_MS = 3_600_000;

/** Reads the `generations:` section; undefined when disabled. Throws on bad values. */
export function generationOptions(config: Config): GenerationFeatureOptions | undefined {
  const raw = config.raw.generations;
  if (raw === undefined || raw === null) return { ...DEFAULT_LOG_OPTIONS, retentionMs: undefined };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('invalid config: generations: must be a mapping');
  const g = raw as Record<string, unknown>;
  if (g.enabled === false) return undefined;
  const problems: string[] = [];
  const int = (k: string, dflt: number) => {
    const v = g[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      problems.push(`generations.${k}: must be a positive integer`);
      return dflt;
    }
    return v;
  };
  const days = g.retention_days;
  if (days !== undefined && !(typeof days === 'number' && Number.isFinite(days) && days > 0)) problems.push('generations.retention_days: must be a positive number');
  const out: GenerationFeatureOptions = {
    ...DEFAULT_LOG_OPTIONS,
    flushMs: int('flush_ms', DEFAULT_LOG_OPTIONS.flushMs),
    batchSize: int('batch_size', DEFAULT_LOG_OPTIONS.batchSize),
    retentionMs: typeof days === 'number' && days > 0 ? days * 86_400_000 : undefined,
  };
  if (g.enabled !== undefined && typeof g.enabled !== 'boolean') problems.push('generations.enabled: must be a boolean');
  if (problems.length > 0) throw new Error(`invalid config: ${problems.join('; ')}`);
  return out;
}

/** Opens the log for a config (also used by the CLI); `close` flushes it and releases the store. */
export async function openGenerationLog(config: Config, opts: Partial<GenerationLogOptions> = {}): Promise<{ log: GenerationLog; close: () => Promise<void> }> {
  const db = await openDb(config);
  try {
    await migrate(db, [GENERATION_MIGRATIONS]);
  } catch (e) {
    await db.close();
    throw e;
  }
  const log = new GenerationLog(db, opts);
  return {
    log,
    close: async () => {
      await log.close();
      await db.close();
    },
  };
}

export const generationsFeature: Feature = async (config, { logger }) => {
  const opts = generationOptions(config);
  if (opts === undefined) return undefined;
  const { log, close } = await openGenerationLog(config, {
    ...opts,
    onError: (err, dropped) => logger.error({ err, dropped }, 'generation log: write failed'),
  });
  let pruner: NodeJS.Timeout | undefined;
  if (opts.retentionMs !== undefined) {
    const retention = opts.retentionMs;
    const prune = () => void log.prune(Date.now() - retention).catch((err) => logger.error({ err }, 'generation log: prune failed'));
    prune();
    pruner = setInterval(prune, PRUNE_EVERY_MS);
    pruner.unref();
  }
  return {
    hooks: {
      after: (record) => {
        try {
          log.add(fromChatRecord(record));
        } catch (err) {
          logger.error({ err }, 'generation log: could not build the record');
        }
      },
    },
    routes: generationRoutes(log),
    onClose: async () => {
      if (pruner !== undefined) clearInterval(pruner);
      await close();
    },
  };
};
