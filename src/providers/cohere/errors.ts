/**
 * Cohere errors (`{message}` or `{id, message}`) → gateway errors. 498 (invalid token) is an
 * upstream credential problem like 401; 499 (request cancelled upstream) is an upstream failure.
 */
import type { GatewayError } from '../../schema/errors.js';
import { errorTypeFor, tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';

export function parseCohereError(status: number, headers: Record<string, string | string[] | undefined>, body: string, ctx: AdapterContext): GatewayError {
  const parsed = tryJson(body) as { message?: string; error?: string } | undefined;
  const message = parsed?.message ?? parsed?.error ?? (body.trim() === '' ? `upstream returned HTTP ${status}` : body.slice(0, 500));
  const effective = status === 498 ? 401 : status === 499 ? 502 : status;
  return upstreamError(ctx.provider.name, effective, message, body, headers, { errorType: errorTypeFor(effective) });
}
