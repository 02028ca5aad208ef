/**
 * Bedrock provider settings: region, endpoint URL and credentials, from the provider config block
 * (`region`, `access_key_id`, `secret_access_key`, `session_token`, or `api_key` for a Bedrock API
 * key) else the standard AWS environment variables. `env` is a parameter so tests stay pure.
 */
import { GatewayError } from '../../schema/errors.js';
import type { ProviderConfig } from '../types.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function bedrockRegion(p: ProviderConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return str(p.region) ?? str(env.AWS_REGION) ?? str(env.AWS_DEFAULT_REGION);
}

/** The configured base_url, else the region's public endpoint. */
export function bedrockBaseUrl(p: ProviderConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (p.base_url !== '') return p.base_url;
  const region = bedrockRegion(p, env);
  if (region === undefined) throw misconfigured(p, 'no region: set region in the provider config or AWS_REGION');
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** Config keys win over the environment; a half-configured pair is an error, not a silent fallback. */
export function bedrockCredentials(p: ProviderConfig, env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const fromConfig = str(p.access_key_id) !== undefined || str(p.secret_access_key) !== undefined;
  const accessKeyId = fromConfig ? str(p.access_key_id) : str(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = fromConfig ? str(p.secret_access_key) : str(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = fromConfig ? str(p.session_token) : str(env.AWS_SESSION_TOKEN);
  if (accessKeyId === undefined || secretAccessKey === undefined)
    throw misconfigured(p, 'no AWS credentials: set access_key_id and secret_access_key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or api_key');
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

/** Config-time checks (paths relative to the provider). Credentials may come from the environment later. */
export function validateBedrockConfig(p: ProviderConfig): string[] {
  const out: string[] = [];
  for (const k of ['region', 'access_key_id', 'secret_access_key', 'session_token']) {
    if (p[k] !== undefined && p[k] !== null && typeof p[k] !== 'string') out.push(`${k}: must be a string`);
  }
  if ((str(p.access_key_id) === undefined) !== (str(p.secret_access_key) === undefined))
    out.push('access_key_id and secret_access_key: set both or neither');
  return out;
}

/** Model families whose native extras Bedrock forwards through additionalModelRequestFields. */
export type ModelFamily = 'anthropic' | 'nova' | 'openai' | 'mistral' | 'other';

export function modelFamily(modelId: string): ModelFamily {
  const id = modelId.toLowerCase();
  if (id.includes('anthropic.') || id.includes('claude')) return 'anthropic';
  if (id.includes('amazon.nova')) return 'nova';
  if (id.includes('openai.')) return 'openai';
  if (id.includes('mistral.')) return 'mistral';
  return 'other';
}

function misconfigured(p: ProviderConfig, what: string): GatewayError {
  return new GatewayError(500, `[${p.name}] bedrock provider misconfigured: ${what}`, {
    metadata: { provider_name: p.name, error_type: 'provider_misconfigured' },
    retryable: true,
  });
}
