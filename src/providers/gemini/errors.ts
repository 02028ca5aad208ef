/**
 * Google error bodies `{error:{code, message, status, details[]}}` → gateway errors. The HTTP
 * status decides (as everywhere, through shared/errors.ts); the gRPC-style `status` fills in
 * where there is none (an error inside a 200 stream). RESOURCE_EXHAUSTED's RetryInfo
 * `retryDelay` becomes the retry-after; an invalid API key (a 400 from Google) is the operator's
 * credential problem, so it is treated as a 401 upstream (502 to the client).
 */
import type { GatewayError } from '../../schema/errors.js';
import { errorTypeFor, tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';

type Headers = Record<string, string | string[] | undefined>;

export interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; retryDelay?: string; reason?: string }[];
}

/** google.rpc.Code name → HTTP status (the AI SDK's table). */
const STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export function parseGeminiError(status: number, headers: Headers, body: string, ctx: AdapterContext): GatewayError {
  const parsed = tryJson(body) as { error?: GoogleError } | { error?: GoogleError }[] | undefined;
  // without alt=sse Google streams a JSON array; its error bodies can be one too
  const err = (Array.isArray(parsed) ? parsed[0]?.error : parsed?.error) ?? undefined;
  return googleError(err, body, headers, ctx, status);
}

/** The gateway error for one Google error object; `httpStatus` when the response had one. */
export function googleError(err: GoogleError | undefined, raw: string, headers: Headers, ctx: AdapterContext, httpStatus?: number): GatewayError {
  const fromBody = (err?.status !== undefined ? STATUS[err.status] : undefined) ?? (typeof err?.code === 'number' && err.code >= 400 ? err.code : undefined);
  let upstream = httpStatus !== undefined && httpStatus >= 400 ? httpStatus : fromBody ?? 502;
  const reasons = (err?.details ?? []).map((d) => d?.reason).filter((r): r is string => typeof r === 'string');
  if (reasons.includes('API_KEY_INVALID') || reasons.includes('API_KEY_EXPIRED')) upstream = 401;
  const message = err?.message ?? (raw.trim() === '' ? `upstream returned HTTP ${httpStatus ?? upstream}` : raw.slice(0, 500));
  const label = err?.status !== undefined ? `${err.status}: ${message}` : message;
  const delay = retryDelayMs(err);
  const h = delay !== undefined && headers['retry-after'] === undefined && headers['retry-after-ms'] === undefined ? { ...headers, 'retry-after-ms': String(delay) } : headers;
  return upstreamError(ctx.provider.name, upstream, label, raw, h, { errorType: errorTypeFor(upstream) });
}

/** RetryInfo `retryDelay` ("30s", "1.5s") in milliseconds. */
function retryDelayMs(err: GoogleError | undefined): number | undefined {
  for (const d of err?.details ?? []) {
    if (!d?.['@type']?.endsWith('google.rpc.RetryInfo') || typeof d.retryDelay !== 'string') continue;
    const m = /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay.trim());
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return undefined;
}
