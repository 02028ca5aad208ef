/**
 * A mapping table for upstream codes (finish reasons, error kinds) with no prototype: a code
 * spelled like an Object method (`toString`, `constructor`, `__proto__`) finds nothing instead of
 * a function.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
