/**
 * SigV4 for Bedrock with AWS's own signer (@smithy/signature-v4 + @aws-crypto/sha256-js), service
 * `bedrock`, over the exact body bytes sent. Requests that carry a Bedrock API key
 * (`authorization: Bearer …`, from `api_key`) go unsigned.
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { awsLibs } from './aws.js';
import { bedrockCredentials, bedrockRegion, type AwsCredentials } from './config.js';

export const SIGNING_SERVICE = 'bedrock';

export function signer(credentials: AwsCredentials, region: string): SignatureV4 {
  const { SignatureV4, Sha256 } = awsLibs();
  return new SignatureV4({ credentials, region, service: SIGNING_SERVICE, sha256: Sha256 });
}

/** The region to sign for: configured, else from the environment, else the endpoint's host name. */
function signingRegion(ctx: AdapterContext, url: URL, env: NodeJS.ProcessEnv): string {
  return bedrockRegion(ctx.provider, env) ?? /bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? 'us-east-1';
}

export async function signBedrockRequest(req: UpstreamRequest, ctx: AdapterContext, env: NodeJS.ProcessEnv = process.env, now?: Date): Promise<UpstreamRequest> {
  if (req.headers.authorization !== undefined) return req;
  const url = new URL(req.url);
  const credentials = bedrockCredentials(ctx.provider, env);
  const headers: Record<string, string> = { ...req.headers, host: url.host };
  const unsigned = new (awsLibs().HttpRequest)({
    method: req.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: req.body,
  });
  const signed = await signer(credentials, signingRegion(ctx, url, env)).sign(unsigned, now === undefined ? {} : { signingDate: now });
  return { ...req, headers: signed.headers as Record<string, string> };
}
