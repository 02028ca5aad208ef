/**
 * `switchyard generations [--model M] [--since T] [--limit N] [--json] [--config FILE]`: the
 * most recent generations as a table. T is an ISO date/time or a relative age (`30m`, `2h`, `7d`).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { openGenerationLog } from '../store/generations-feature.js';
import type { GenerationRecord } from '../store/generations-record.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since` → epoch ms; undefined when it cannot be read. */
export function parseSince(v: string, now = Date.now()): number | undefined {
  const rel = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(v.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]!]!;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

const COLUMNS: [string, (g: GenerationRecord) => string][] = [
  ['time', (g) => new Date(g.created_at).toISOString().replace('T', ' ').slice(0, 19)],
  ['id', (g) => g.id],
  ['model', (g) => g.model],
  ['provider', (g) => g.provider ?? '-'],
  ['status', (g) => String(g.status)],
  ['finish', (g) => g.finish_reason ?? '-'],
  ['stream', (g) => (g.streamed ? 'yes' : 'no') + (g.cancelled ? ' (cancelled)' : '')],
  ['tokens in/out', (g) => `${g.tokens_prompt}/${g.tokens_completion}`],
  ['cost $', (g) => g.cost.toFixed(6)],
  ['latency ms', (g) => String(g.latency_ms)],
  ['ttft ms', (g) => (g.ttft_ms === null ? '-' : String(g.ttft_ms))],
  ['tok/s', (g) => (g.tokens_per_second === null ? '-' : g.tokens_per_second.toFixed(1))],
  ['attempts', (g) => String(g.attempts.length)],
];

export function formatTable(rows: GenerationRecord[]): string {
  const cells = rows.map((g) => COLUMNS.map(([, f]) => f(g)));
  const widths = COLUMNS.map(([h], i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(COLUMNS.map(([h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export async function generations(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      model: { type: 'string', short: 'm' },
      since: { type: 'string', short: 's' },
      limit: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
    },
    allowPositionals: false,
    strict: true,
  });
  const since = values.since === undefined ? undefined : parseSince(values.since);
  if (values.since !== undefined && since === undefined) {
    process.stderr.write(`--since: expected an ISO date/time or an age like 30m, 2h, 7d (got "${values.since}")\n`);
    return 2;
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`--limit: must be a positive integer (got ${values.limit})\n`);
    return 2;
  }
  const { config } = loadConfig({ path: values.config });
  const { log, close } = await openGenerationLog(config);
  try {
    const rows = await log.list({ model: values.model, since, limit });
    if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (rows.length === 0) process.stdout.write('no generations\n');
    else process.stdout.write(formatTable(rows));
  } finally {
    await close();
  }
  return 0;
}
