/** Starts a real gateway on 127.0.0.1:0 from a config document, for end-to-end tests. */
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { buildExtensions } from '../../src/features.js';
import { createGateway, type Gateway, type GatewayExtensions } from '../../src/server/app.js';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** `${url}/api/v1` — what SDKs take as base URL. */
  baseURL: string;
  close(): Promise<void>;
}

/**
 * Starts the gateway with every feature of src/features.ts active, as `switchyard serve` would.
 * `extensions` replaces that (pass {} for the bare core).
 */
export async function startGateway(doc: Record<string, unknown>, extensions?: GatewayExtensions): Promise<TestGateway> {
  // tests never write ./data: an in-memory store unless the test names one (a temp file)
  const { config } = parseConfig({ storage: { path: ':memory:' }, ...doc }, 'test-config', {});
  const logger = pino({ level: 'silent' });
  const gateway = createGateway(config, { logger, extensions: extensions ?? (await buildExtensions(config, { logger })) });
  const url = await gateway.listen(0, '127.0.0.1');
  return { gateway, url, baseURL: `${url}/api/v1`, close: () => gateway.close() };
}

/** A config with one OpenAI-type provider pointing at a fake, and one model on it. */
export function openaiConfig(fakeUrl: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: { fakeopenai: { type: 'openai', base_url: `${fakeUrl}/v1`, api_key: 'sk-upstream-secret' } },
    models: [
      {
        id: 'openai/gpt-4o-mini',
        name: 'GPT-4o mini',
        context_length: 128000,
        endpoints: [{ provider: 'fakeopenai', model: 'gpt-4o-mini', pricing: { prompt: '0.00000015', completion: '0.0000006' } }],
      },
    ],
    ...over,
  };
}
