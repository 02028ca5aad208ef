/**
 * Tool-argument validation against each tool's JSON Schema. Validators are compiled once per
 * distinct schema (keyed by its JSON text) and kept in a bounded cache: a request never compiles
 * a schema that an earlier one already did.
 */
import AjvImport, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';

const Ajv = AjvImport as unknown as typeof AjvImport.default;
const addFormats = addFormatsImport as unknown as typeof addFormatsImport.default;
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);

/** `null`: the schema could not be compiled; any object is accepted (the request validator already vetted it). */
type Entry = ValidateFunction | null;
const MAX = 512;
const cache = new Map<string, Entry>();

export function validatorFor(schema: unknown): Entry {
  const key = JSON.stringify(schema ?? {});
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key); // most recently used last
    cache.set(key, hit);
    return hit;
  }
  let entry: Entry;
  try {
    // the draft is ours to choose: a $schema pointing at another draft would make compile fail
    const { $schema: _s, ...rest } = (schema ?? {}) as Record<string, unknown>;
    entry = ajv.compile(rest);
  } catch {
    entry = null;
  }
  if (cache.size >= MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, entry);
  return entry;
}

/** undefined when the arguments match; otherwise a short, model-readable list of what is wrong. */
export function argumentProblems(schema: unknown, args: unknown): string | undefined {
  const v = validatorFor(schema);
  if (v === null || v(args)) return undefined;
  return (v.errors ?? []).slice(0, 5).map(describe).join('; ');
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'arguments' : `arguments${e.instancePath.replace(/\//g, '.')}`;
  if (e.keyword === 'additionalProperties') return `${where} has an unexpected property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where} ${e.message ?? 'is invalid'}`;
}
