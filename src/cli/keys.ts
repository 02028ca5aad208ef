/**
 * `switchyard keys …`: manage stored API keys directly on the configured store (SQLite file or
 * PostgreSQL), no running gateway needed. Running replicas notice changes within a second.
 *
 *   keys create --name N [--limit USD] [--rate 60/m] [--tpm N] [--models a/*,b] [--expires 30d|ISO]
 *   keys list [--json]
 *   keys disable|enable|delete NAME
 *   keys show NAME            (usage, limits; never the key)
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import type { KeyRecord, KeySettings } from '../store/keys.js';
import { KeyError } from '../store/keys.js';
import { formatRate, parseExpires, parseModels, parseRate, parseUsd } from '../store/keys-policy.js';
import { openKeyStores } from '../store/keys-feature.js';

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const USAGE = `usage: switchyard keys <command> [--config FILE]
  create --name NAME [--limit USD] [--rate N/interval] [--tpm TOKENS] [--models PATTERN,...] [--expires 30d|ISO-8601]
  list [--json]
  show NAME
  disable NAME | enable NAME | delete NAME
`;

const usd = (n: number | undefined) => (n === undefined ? '-' : `$${n.toFixed(8).replace(/\.?0+$/, '')}`);
const when = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** A plain-text table, columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

function listRow(k: KeyRecord): string[] {
  return [k.name, k.label, usd(k.usage), usd(k.limit), formatRate(k.rate), when(k.createdAt), when(k.lastUsedAt), k.disabled ? 'yes' : 'no'];
}

export async function keysCommand(argv: string[], io: CliIO = stdio): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      name: { type: 'string', short: 'n' },
      limit: { type: 'string' },
      rate: { type: 'string' },
      tpm: { type: 'string' },
      models: { type: 'string' },
      expires: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [sub, target, ...extra] = positionals;
  if (values.help || sub === undefined) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}`);
  const settings: KeySettings = {};
  if (sub === 'create') {
    if (values.name === undefined) throw new Error('keys create: --name is required');
    if (values.limit !== undefined) settings.limit = parseUsd(values.limit, '--limit');
    if (values.rate !== undefined) settings.rate = parseRate(values.rate);
    if (values.tpm !== undefined) {
      const n = Number(values.tpm);
      if (!(Number.isSafeInteger(n) && n > 0)) throw new Error(`--tpm: "${values.tpm}" must be a positive integer (tokens per minute)`);
      settings.tokensPerMinute = n;
    }
    if (values.models !== undefined) settings.models = parseModels(values.models);
    if (values.expires !== undefined) settings.expiresAt = parseExpires(values.expires);
  } else if (!['list', 'show', 'disable', 'enable', 'delete'].includes(sub)) {
    io.err(`unknown keys command "${sub}"\n${USAGE}`);
    return 2;
  } else if (sub !== 'list' && target === undefined) throw new Error(`keys ${sub}: give the key's NAME`);

  let config;
  try {
    config = loadConfig({ path: values.config }).config;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { db, keys, usage } = await openKeyStores(config);
  try {
    switch (sub) {
      case 'create': {
        const { key, token } = await keys.create(values.name!, settings);
        io.out(`${token}\n`);
        io.err(`created key "${key.name}" (${key.label}): store it now, it is not shown again\n`);
        return 0;
      }
      case 'list': {
        const all = await keys.list();
        if (values.json) io.out(`${JSON.stringify(all, null, 2)}\n`);
        else io.out(table(['NAME', 'PREFIX', 'USAGE', 'LIMIT', 'RATE', 'CREATED', 'LAST USED', 'DISABLED'], all.map(listRow)));
        return 0;
      }
      case 'show': {
        const k = await keys.find(target!);
        const w = await usage.windows(k.id);
        const rows: [string, string][] = [
          ['name', k.name], ['prefix', k.label], ['usage', usd(k.usage)], ['usage today', usd(w.daily)], ['usage this month', usd(w.monthly)],
          ['limit', usd(k.limit)], ['rate', formatRate(k.rate)], ['tokens/min', k.tokensPerMinute === undefined ? '-' : String(k.tokensPerMinute)],
          ['models', k.models?.join(', ') ?? '(all)'], ['expires', when(k.expiresAt)], ['created', when(k.createdAt)], ['last used', when(k.lastUsedAt)],
          ['disabled', k.disabled ? 'yes' : 'no'],
        ];
        io.out(rows.map(([a, b]) => `${a.padEnd(17)}${b}`).join('\n') + '\n');
        return 0;
      }
      default: {
        const k = await keys.find(target!);
        if (sub === 'delete') await keys.delete(k.id);
        else await keys.update(k.id, { disabled: sub === 'disable' });
        io.err(`${sub}d key "${k.name}" (${k.label})\n`);
        return 0;
      }
    }
  } catch (e) {
    if (e instanceof KeyError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}
