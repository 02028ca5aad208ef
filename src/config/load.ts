/**
 * Config: loaded and validated once at start, with errors that name the file, the path in it and
 * what is wrong (`models[0].endpoints[0].provider: unknown provider "x"`), then immutable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { getAdapter, registry } from '../providers/index.js';
import type { EndpointConfig, Pricing, ProviderConfig } from '../providers/types.js';
import { builtinConfig } from './defaults.js';
import { catalogModels } from './builtin-models.js';
import { interpolate } from './interpolate.js';
import type { Config, ModelConfig } from './types.js';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** --config */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Loaded {
  config: Config;
  warnings: string[];
}

/** Resolves which file to read: --config, else SWITCHYARD_CONFIG, else ./switchyard.yaml, else none. */
export function resolveConfigPath(opts: LoadOptions): string | undefined {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.path) return resolve(cwd, opts.path);
  if (env.SWITCHYARD_CONFIG) return resolve(cwd, env.SWITCHYARD_CONFIG);
  const def = resolve(cwd, 'switchyard.yaml');
  return existsSync(def) ? def : undefined;
}

export function loadConfig(opts: LoadOptions = {}): Loaded {
  const env = opts.env ?? process.env;
  const file = resolveConfigPath(opts);
  if (file === undefined) return parseConfig(builtinConfig(env), '(built-in defaults)', env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read file: ${(e as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [`cannot parse: ${(e as Error).message}`]);
  }
  return parseConfig(doc ?? {}, file, env);
}

/** The YAML parser loads only for a YAML file (~0.6 MiB of heap a JSON or built-in config never needs). */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const PRICE = /^\d+(\.\d+)?(e-?\d+)?$/i;

/** Validates a parsed config document. Exported for tests and for programmatic use. */
export function parseConfig(doc: unknown, source: string, env: NodeJS.ProcessEnv = process.env): Loaded {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!isObj(doc)) throw new ConfigError(source, ['(root): must be a mapping']);
  const missing: string[] = [];
  const raw = interpolate(doc, env, missing);
  for (const m of missing) warnings.push(m);

  const masterKey = raw.master_key;
  if (masterKey !== undefined && masterKey !== null && typeof masterKey !== 'string') problems.push('master_key: must be a string');

  // server
  const srv = raw.server ?? {};
  const server = { host: '127.0.0.1', port: 8080, body_limit: 10 * 1024 * 1024, stream_keepalive_ms: 1000 };
  if (!isObj(srv)) problems.push('server: must be a mapping');
  else {
    if (srv.host !== undefined) typeof srv.host === 'string' ? (server.host = srv.host) : problems.push('server.host: must be a string');
    for (const k of ['port', 'body_limit', 'stream_keepalive_ms'] as const) {
      if (srv[k] === undefined) continue;
      const n = Number(srv[k]);
      if (!Number.isInteger(n) || n < 0) problems.push(`server.${k}: must be a non-negative integer`);
      else server[k] = n;
    }
  }

  // providers
  const providers = new Map<string, ProviderConfig>();
  const rawProviders = raw.providers ?? {};
  if (!isObj(rawProviders)) problems.push('providers: must be a mapping of name → provider');
  else {
    for (const [name, p] of Object.entries(rawProviders)) {
      const path = `providers.${name}`;
      if (!isObj(p)) {
        problems.push(`${path}: must be a mapping`);
        continue;
      }
      if (typeof p.type !== 'string') {
        problems.push(`${path}.type: required (one of ${[...registry.keys()].join(', ')})`);
        continue;
      }
      const adapter = getAdapter(p.type);
      if (adapter === undefined) {
        problems.push(`${path}.type: unknown provider type "${p.type}" (one of ${[...registry.keys()].join(', ')})`);
        continue;
      }
      if (p.base_url !== undefined && typeof p.base_url !== 'string') problems.push(`${path}.base_url: must be a string`);
      if (p.api_key !== undefined && p.api_key !== null && typeof p.api_key !== 'string') problems.push(`${path}.api_key: must be a string`);
      if (p.headers !== undefined && !(isObj(p.headers) && Object.values(p.headers).every((v) => typeof v === 'string')))
        problems.push(`${path}.headers: must be a mapping of header name → string`);
      const timeout = p.timeout_ms === undefined ? 600_000 : Number(p.timeout_ms);
      if (!Number.isInteger(timeout) || timeout <= 0) problems.push(`${path}.timeout_ms: must be a positive integer`);
      const base = typeof p.base_url === 'string' && p.base_url !== '' ? p.base_url : adapter.defaultBaseUrl ?? '';
      const cfg: ProviderConfig = {
        ...p,
        name,
        type: p.type,
        base_url: base.replace(/\/+$/, ''),
        api_key: typeof p.api_key === 'string' && p.api_key !== '' ? p.api_key : undefined,
        headers: isObj(p.headers) ? (p.headers as Record<string, string>) : {},
        timeout_ms: timeout,
      };
      if (cfg.base_url !== '') {
        try {
          new URL(cfg.base_url);
        } catch {
          problems.push(`${path}.base_url: not a valid URL: "${cfg.base_url}"`);
        }
      }
      for (const msg of adapter.validateConfig?.(cfg) ?? []) problems.push(`${path}.${msg}`);
      if (p.catalog !== undefined && typeof p.catalog !== 'boolean') problems.push(`${path}.catalog: must be true or false`);
      providers.set(name, cfg);
    }
  }

  // models: the configured ones, then the built-in catalogs of providers with `catalog: true`
  const models: ModelConfig[] = [];
  const rawModels = raw.models ?? [];
  const seen = new Set<string>();
  if (!Array.isArray(rawModels)) problems.push('models: must be a list');
  else {
    const explicit = new Set(rawModels.map((m) => (isObj(m) ? m.id : undefined)));
    for (const p of providers.values()) {
      if (p.catalog !== true) continue;
      const docs = catalogModels(p.name, p.type);
      if (docs === undefined || docs.length === 0) problems.push(`providers.${p.name}.catalog: type "${p.type}" has no built-in model catalog; list its models under models:`);
      else for (const d of docs) if (!explicit.has(d.id)) rawModels.push(d);
    }
    rawModels.forEach((m, i) => {
      const path = `models[${i}]`;
      if (!isObj(m)) return void problems.push(`${path}: must be a mapping`);
      if (typeof m.id !== 'string' || m.id === '') return void problems.push(`${path}.id: required string`);
      if (seen.has(m.id)) problems.push(`${path}.id: duplicate model id "${m.id}"`);
      seen.add(m.id);
      const modelParams = m.supported_parameters;
      if (modelParams !== undefined && !(Array.isArray(modelParams) && modelParams.every((x) => typeof x === 'string')))
        problems.push(`${path}.supported_parameters: must be a list of strings`);
      if (!Array.isArray(m.endpoints) || m.endpoints.length === 0) return void problems.push(`${path}.endpoints: must be a non-empty list`);
      const endpoints: EndpointConfig[] = [];
      m.endpoints.forEach((e: unknown, j: number) => {
        const ep = `${path}.endpoints[${j}]`;
        if (!isObj(e)) return void problems.push(`${ep}: must be a mapping`);
        if (typeof e.provider !== 'string') return void problems.push(`${ep}.provider: required string`);
        const prov = providers.get(e.provider);
        if (prov === undefined) return void problems.push(`${ep}.provider: unknown provider "${e.provider}"`);
        if (typeof e.model !== 'string' || e.model === '') return void problems.push(`${ep}.model: required string (the upstream's model id)`);
        const pricing = parsePricing(e.pricing, `${ep}.pricing`, problems);
        const epParams = e.supported_parameters ?? modelParams ?? getAdapter(prov.type)!.supportedParameters;
        if (!(Array.isArray(epParams) && epParams.every((x) => typeof x === 'string')))
          return void problems.push(`${ep}.supported_parameters: must be a list of strings`);
        if (e.weight !== undefined && !(typeof e.weight === 'number' && e.weight >= 0)) problems.push(`${ep}.weight: must be a non-negative number`);
        if (e.tools !== undefined && e.tools !== 'native' && e.tools !== 'emulated') problems.push(`${ep}.tools: must be "native" or "emulated" (got ${JSON.stringify(e.tools)})`);
        if (e.tool_retry !== undefined && typeof e.tool_retry !== 'boolean') problems.push(`${ep}.tool_retry: must be true or false`);
        endpoints.push({ ...e, provider: e.provider, model: e.model, pricing, supported_parameters: [...(epParams as string[])] });
      });
      const union = new Set<string>();
      for (const e of endpoints) for (const p of e.supported_parameters) union.add(p);
      const ctx = m.context_length === undefined || m.context_length === null ? null : Number(m.context_length);
      if (ctx !== null && !(Number.isInteger(ctx) && ctx > 0)) problems.push(`${path}.context_length: must be a positive integer`);
      models.push({
        ...m,
        id: m.id,
        name: typeof m.name === 'string' ? m.name : m.id,
        description: typeof m.description === 'string' ? m.description : '',
        context_length: ctx,
        created: typeof m.created === 'number' ? m.created : 0,
        supported_parameters: [...union],
        endpoints,
      });
    });
  }

  if (problems.length > 0) throw new ConfigError(source, problems);
  return {
    config: {
      source,
      master_key: typeof masterKey === 'string' && masterKey !== '' ? masterKey : undefined,
      server,
      providers,
      models,
      raw,
    },
    warnings,
  };
}

function parsePricing(v: unknown, path: string, problems: string[]): Pricing {
  if (v === undefined || v === null) return { prompt: '0', completion: '0' };
  if (!isObj(v)) {
    problems.push(`${path}: must be a mapping like { prompt: "0.000001", completion: "0.000002" }`);
    return { prompt: '0', completion: '0' };
  }
  const out: Record<string, string> = { prompt: '0', completion: '0' };
  for (const [k, raw] of Object.entries(v)) {
    const s = typeof raw === 'number' ? String(raw) : raw;
    if (typeof s !== 'string' || !PRICE.test(s)) problems.push(`${path}.${k}: must be a decimal USD-per-token string, got ${JSON.stringify(raw)}`);
    else out[k] = s;
  }
  return out as unknown as Pricing;
}
