import type { GatewayError } from '../../schema/errors.js';
import { errorTypeFor, tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';

/** OpenAI error body `{error:{message,type,param,code}}` (compatible servers vary) → gateway error. */
export function parseOpenAIError(status: number, headers: Record<string, string | string[] | undefined>, body: string, ctx: AdapterContext): GatewayError {
  const parsed = tryJson(body) as { error?: { message?: string; code?: string | number; type?: string } | string; message?: string } | undefined;
  const err = parsed?.error;
  const message =
    (typeof err === 'string' ? err : err?.message) ?? parsed?.message ?? (body.trim() === '' ? `upstream returned HTTP ${status}` : body.slice(0, 500));
  const code = typeof err === 'object' ? err?.code : undefined;
  // insufficient_quota is a 429 that waiting will not fix; moving to another endpoint may
  const retryable = code === 'insufficient_quota' ? true : undefined;
  return upstreamError(ctx.provider.name, status, message, body, headers, { errorType: errorTypeFor(status), retryable });
}
