/**
 * The built-in configuration, used when there is no config file: the offline demo model
 * `switchyard/replay-demo` (the seed's book-search conversation, replayed from bundled
 * Anthropic-format cassettes through the Anthropic adapter), plus, for each of OPENAI_API_KEY,
 * ANTHROPIC_API_KEY and GEMINI_API_KEY that is set, that provider and its tool-capable models
 * (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GEMINI_BASE_URL override where they are sent).
 */
import { fileURLToPath } from 'node:url';
import { getAdapter } from '../providers/index.js';
import { defaultModelDoc } from './builtin-models.js';
import { DEFAULT_PROVIDERS } from './defaults-catalog.js';

export const REPLAY_DEMO_MODEL = 'switchyard/replay-demo';
/** The bundled cassettes (the same path from src/config/ and dist/config/). */
export const REPLAY_DEMO_DIR = fileURLToPath(new URL('../../assets/cassettes/replay-demo/', import.meta.url));
/** The upstream model the demo conversation was recorded with. */
export const REPLAY_DEMO_UPSTREAM = 'claude-sonnet-4-5';

/** The config document for "no config file", from the environment. */
export function builtinConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  const models: Record<string, unknown>[] = [];
  if (getAdapter('anthropic') !== undefined) {
    providers.replay = { type: 'replay', format: 'anthropic', dir: REPLAY_DEMO_DIR };
    models.push({
      id: REPLAY_DEMO_MODEL,
      name: 'Switchyard: replay demo (offline, Anthropic wire format)',
      description: "Answers the seed's book-search conversation from bundled cassettes, offline: no key, no network.",
      context_length: 200_000,
      endpoints: [{ provider: 'replay', model: REPLAY_DEMO_UPSTREAM, pricing: { prompt: '0', completion: '0' }, supported_parameters: [...getAdapter('anthropic')!.supportedParameters] }],
    });
  }
  for (const p of DEFAULT_PROVIDERS) {
    const key = env[p.env];
    if (key === undefined || key === '' || getAdapter(p.type) === undefined) continue;
    const base = env[p.baseUrlEnv];
    providers[p.name] = base ? { type: p.type, api_key: key, base_url: base } : { type: p.type, api_key: key };
    for (const m of p.models) models.push(defaultModelDoc(p.name, m));
  }
  return { providers, models };
}
