/**
 * How the generation log stores its records: one database row per batch of up to ROW_RECORDS
 * records (table `generation_batches`), not one row per record. Under load a batch of 1000
 * records costs SQLite one insert of ~85 KB instead of 1000 inserts of a 24-column row into a
 * table and its indexes: the row-per-record layout cost the writer thread ~5–8 µs of CPU per
 * record, most of it in the kernel writing the ~450 B that each record and its index entries took
 * in WAL and database pages (BENCHMARKS.md, "The thirteenth round").
 *
 * A batch's `records` column is a JSON object, one key per field of GenerationRecord (columnar):
 *
 *   {"v":1,"id":["gen-…","gen-…"],"created_at":[1733300000123,1733300000125],
 *    "model":"openai/gpt-4o","latency_ms":{"d":[3,4],"i":[0,0]},…}
 *
 * - `id` is always an array, one id per record, in the order the records were added;
 * - any other field is a plain value (every record of the batch has it), an array (one value per
 *   record), or a dictionary `{"d": distinct values, "i": each record's index into d}`;
 * - `attempts` is each record's attempts as JSON text (attemptsJson), a string like the others;
 * - `streamed`, `cancelled` are JSON booleans; a field absent from the object is null for all.
 *
 * The row's other columns are what lookups filter on without reading `records`: the first
 * record's id (the key: a batch retried after an ambiguous failure replaces its first write), the
 * batch's created_at bounds, its size, and the distinct models and key hashes as JSON arrays.
 * The SQL view `generations` (generationsViewSql) shows the rows one record per row, the way the
 * table of schema v1–v2 did.
 */
import type { GenerationAttempt, GenerationRecord } from './generations-record.js';

/** Records per batch row at most: the log writes a larger flush as several rows. */
export const ROW_RECORDS = 1000;
/** Distinct values a dictionary column holds at most; a field with more is stored as an array. */
const DICT_MAX = 64;
/** The `v` of the records object this module writes and reads. */
export const PACK_VERSION = 1;

type Scalar = string | number | boolean | null;

/** A batch row, in BATCH_COLUMNS order. */
export interface BatchRow {
  id: string;
  first_at: number;
  last_at: number;
  n: number;
  /** JSON array of the distinct models. */
  models: string;
  /** JSON array of the distinct key hashes. */
  key_hashes: string;
  records: string;
}

export const BATCH_COLUMNS = ['id', 'first_at', 'last_at', 'n', 'models', 'key_hashes', 'records'] as const;

/** The fields of a record in GenerationRecord order, with their SQL type in the `generations` view. */
export const RECORD_FIELDS = [
  ['id', 'TEXT'], ['created_at', 'BIGINT'], ['key_hash', 'TEXT'], ['key_kind', 'TEXT'], ['model', 'TEXT'], ['requested_model', 'TEXT'],
  ['provider', 'TEXT'], ['upstream_model', 'TEXT'], ['upstream_id', 'TEXT'], ['status', 'INTEGER'], ['error', 'TEXT'],
  ['streamed', 'BOOLEAN'], ['cancelled', 'BOOLEAN'], ['finish_reason', 'TEXT'], ['native_finish_reason', 'TEXT'],
  ['tokens_prompt', 'INTEGER'], ['tokens_completion', 'INTEGER'], ['tokens_reasoning', 'INTEGER'], ['tokens_cached', 'INTEGER'],
  ['cost', 'DOUBLE PRECISION'], ['latency_ms', 'INTEGER'], ['ttft_ms', 'INTEGER'], ['tokens_per_second', 'DOUBLE PRECISION'], ['attempts', 'TEXT'],
] as const satisfies readonly (readonly [keyof GenerationRecord, string])[];

type Field = (typeof RECORD_FIELDS)[number][0];

/** The text before a single attempt's status: the last one built, for the provider and models it was built for. */
let attemptHead = { provider: '', model: '', upstreamModel: '', text: '' };
const jsonNumber = (x: number | null) => (x !== null && Number.isFinite(x) ? `${x}` : 'null');

/**
 * `JSON.stringify(attempts)`, the same text. Almost every request makes one attempt whose provider
 * and models the previous one had too: that text is a template with the status, error and latency
 * filled in (~0.2 µs). A batch stores each record's attempts as this text, so that records whose
 * attempts read the same share one dictionary entry.
 */
export function attemptsJson(attempts: readonly GenerationAttempt[]): string {
  if (attempts.length !== 1) return JSON.stringify(attempts);
  const a = attempts[0]!;
  // what fromChatRecord builds; anything else (a value JSON.stringify would drop or write otherwise) takes the general path
  if ((a.error !== null && typeof a.error !== 'string') || (a.status !== null && typeof a.status !== 'number') || typeof a.latency_ms !== 'number')
    return JSON.stringify(attempts);
  let head = attemptHead;
  if (a.provider !== head.provider || a.model !== head.model || a.upstream_model !== head.upstreamModel) {
    if (typeof a.provider !== 'string' || typeof a.model !== 'string' || typeof a.upstream_model !== 'string') return JSON.stringify(attempts);
    const text = `[{"provider":${JSON.stringify(a.provider)},"model":${JSON.stringify(a.model)},"upstream_model":${JSON.stringify(a.upstream_model)},"status":`;
    head = attemptHead = { provider: a.provider, model: a.model, upstreamModel: a.upstream_model, text };
  }
  return `${head.text}${jsonNumber(a.status)},"error":${a.error === null ? 'null' : JSON.stringify(a.error)},"latency_ms":${jsonNumber(a.latency_ms)}}]`;
}

/** A field's stored value: a missing or non-JSON value as null (what v2's columns held); JSON has no NaN, kept as null as a SQL column did. */
const scalar = (v: unknown): Scalar => (typeof v === 'number' ? (Number.isFinite(v) ? v : null) : v === undefined ? null : (v as Scalar));

/**
 * The records' fields as columns, in RECORD_FIELDS order (a field out of place fails the round
 * trip of generations-pack.test.ts), attempts as their text.
 * One pass with each field read by name: a loop over the field names reading `g[f]` is a keyed
 * load whose key changes every time, and was a fifth of packBatch's time.
 */
function columnsOf(records: readonly GenerationRecord[]): Scalar[][] {
  const n = records.length;
  const c: Scalar[][] = RECORD_FIELDS.map(() => new Array<Scalar>(n));
  for (let r = 0; r < n; r++) {
    const g = records[r]!;
    c[0]![r] = scalar(g.id);
    c[1]![r] = scalar(g.created_at);
    c[2]![r] = scalar(g.key_hash);
    c[3]![r] = scalar(g.key_kind);
    c[4]![r] = scalar(g.model);
    c[5]![r] = scalar(g.requested_model);
    c[6]![r] = scalar(g.provider);
    c[7]![r] = scalar(g.upstream_model);
    c[8]![r] = scalar(g.upstream_id);
    c[9]![r] = scalar(g.status);
    c[10]![r] = scalar(g.error);
    c[11]![r] = scalar(g.streamed);
    c[12]![r] = scalar(g.cancelled);
    c[13]![r] = scalar(g.finish_reason);
    c[14]![r] = scalar(g.native_finish_reason);
    c[15]![r] = scalar(g.tokens_prompt);
    c[16]![r] = scalar(g.tokens_completion);
    c[17]![r] = scalar(g.tokens_reasoning);
    c[18]![r] = scalar(g.tokens_cached);
    c[19]![r] = scalar(g.cost);
    c[20]![r] = scalar(g.latency_ms);
    c[21]![r] = scalar(g.ttft_ms);
    c[22]![r] = scalar(g.tokens_per_second);
    c[23]![r] = attemptsJson(g.attempts);
  }
  return c;
}

/** One field's column over the records: a plain value, a dictionary, or an array. */
function column(values: Scalar[]): Scalar | Scalar[] | { d: Scalar[]; i: number[] } {
  const first = values[0]!;
  let i = 1;
  while (i < values.length && values[i] === first) i++;
  if (i === values.length) return first;
  const index = new Map<Scalar, number>();
  const d: Scalar[] = [];
  const at: number[] = new Array<number>(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    let k = index.get(v);
    if (k === undefined) {
      if (d.length === DICT_MAX) return values; // its own array (columnsOf)
      k = d.length;
      index.set(v, k);
      d.push(v);
    }
    at[r] = k;
  }
  return { d, i: at };
}

const distinct = (c: Scalar | Scalar[] | { d: Scalar[] }): Scalar[] =>
  Array.isArray(c) ? [...new Set(c)] : c !== null && typeof c === 'object' ? c.d : [c];

/**
 * The batch row of `records` (at least one; ROW_RECORDS at most is what the log sends). Runs on
 * the request thread once per batch: ~0.5 µs per record (bench/micro/genlog.ts).
 */
export function packBatch(records: readonly GenerationRecord[]): BatchRow {
  if (records.length === 0) throw new Error('packBatch: no records');
  const out: Record<string, unknown> = { v: PACK_VERSION };
  const cols = columnsOf(records);
  let models: Scalar[] = [];
  let keys: Scalar[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (let k = 0; k < RECORD_FIELDS.length; k++) {
    const f = RECORD_FIELDS[k]![0];
    const values = cols[k]!;
    if (f === 'id') {
      out.id = values;
      continue;
    }
    if (f === 'created_at') {
      for (const t of values) {
        if (typeof t !== 'number') continue;
        if (t < first) first = t;
        if (t > last) last = t;
      }
    }
    const c = column(values);
    if (c !== null) out[f] = c; // a field null for all is left out
    if (f === 'model') models = distinct(c);
    else if (f === 'key_hash') keys = distinct(c);
  }
  if (!Number.isFinite(first)) first = last = 0;
  return {
    id: records[0]!.id,
    first_at: first,
    last_at: last,
    n: records.length,
    models: JSON.stringify(models),
    key_hashes: JSON.stringify(keys),
    records: JSON.stringify(out),
  };
}

/** A batch's records, read from its `records` text: parsed once, records built on demand. */
export class PackedBatch {
  readonly ids: readonly string[];
  private readonly o: Record<string, unknown>;

  constructor(text: string) {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (o === null || typeof o !== 'object' || o.v !== PACK_VERSION || !Array.isArray(o.id))
      throw new Error(`generation log: a batch row of an unknown format (v ${String((o as { v?: unknown } | null)?.v)})`);
    this.o = o;
    this.ids = o.id as string[];
  }

  get length(): number {
    return this.ids.length;
  }

  /** Field `f` of the i-th record. */
  value(f: Field, i: number): Scalar {
    const c = this.o[f];
    if (Array.isArray(c)) return (c[i] ?? null) as Scalar;
    if (c !== null && typeof c === 'object') {
      const d = c as { d: Scalar[]; i: number[] };
      return d.d[d.i[i]!] ?? null;
    }
    return (c ?? null) as Scalar;
  }

  record(i: number): GenerationRecord {
    const out: Record<string, unknown> = {};
    for (const [f] of RECORD_FIELDS) out[f] = this.value(f, i);
    out.attempts = JSON.parse(typeof out.attempts === 'string' ? out.attempts : '[]');
    out.streamed = out.streamed === true;
    out.cancelled = out.cancelled === true;
    return out as unknown as GenerationRecord;
  }

  indexOf(id: string): number {
    return this.ids.indexOf(id);
  }
}

/**
 * `CREATE VIEW generations`: every record of every batch as one row, with the columns (names and
 * types) of the v1–v2 table; booleans as 0/1, attempts as JSON text. For ad-hoc SQL (dashboards,
 * exports): it parses each batch's JSON, so the log itself never reads through it.
 */
export function generationsViewSql(dialect: 'sqlite' | 'postgres'): string {
  const cols: string[] = [];
  if (dialect === 'sqlite') {
    // k iterates the id array: k.key is the record's index, k.value its id
    for (const [f, type] of RECORD_FIELDS) {
      if (f === 'id') {
        cols.push('k.value AS id');
        continue;
      }
      const p = `'$.${f}`;
      const pick =
        `CASE json_type(b.records, ${p}') WHEN 'array' THEN json_extract(b.records, ${p}[' || k.key || ']') ` +
        `WHEN 'object' THEN json_extract(b.records, ${p}.d[' || json_extract(b.records, ${p}.i[' || k.key || ']') || ']') ` +
        `ELSE json_extract(b.records, ${p}') END`;
      cols.push(`${type === 'BOOLEAN' ? `COALESCE(${pick}, 0)` : pick} AS ${f}`);
    }
    return `CREATE VIEW IF NOT EXISTS generations AS SELECT ${cols.join(', ')} FROM generation_batches b, json_each(b.records, '$.id') k`;
  }
  for (const [f, type] of RECORD_FIELDS) {
    if (f === 'id') {
      cols.push('k.id AS id');
      continue;
    }
    const c = `j.r->'${f}'`;
    const text =
      `(CASE jsonb_typeof(${c}) WHEN 'array' THEN ${c}->>(k.ord::int - 1) ` +
      `WHEN 'object' THEN ${c}->'d'->>((${c}->'i'->>(k.ord::int - 1))::int) ELSE j.r->>'${f}' END)`;
    cols.push(`${type === 'BOOLEAN' ? `COALESCE(${text}::boolean::int, 0)` : type === 'TEXT' ? text : `${text}::${type.toLowerCase()}`} AS ${f}`);
  }
  return (
    `CREATE OR REPLACE VIEW generations AS SELECT ${cols.join(', ')} FROM generation_batches b ` +
    `CROSS JOIN LATERAL (SELECT b.records::jsonb AS r) j CROSS JOIN LATERAL jsonb_array_elements_text(j.r->'id') WITH ORDINALITY AS k(id, ord)`
  );
}
