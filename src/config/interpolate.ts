/**
 * `${VAR}` and `${VAR:-default}` interpolation over every string of a parsed config tree.
 * `$${` escapes a literal `${`.
 */
const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate<T>(value: T, env: NodeJS.ProcessEnv, missing: string[] = [], path = ''): T {
  if (typeof value === 'string') {
    return value.replace(PATTERN, (m, name: string | undefined, def: string | undefined) => {
      if (m === '$${') return '${';
      const v = env[name!];
      if (v !== undefined && v !== '') return v;
      if (def !== undefined) return def;
      missing.push(`${path || '(root)'}: environment variable ${name} is not set`);
      return '';
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, missing, `${path}[${i}]`)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, missing, path ? `${path}.${k}` : k);
    return out as T;
  }
  return value;
}
