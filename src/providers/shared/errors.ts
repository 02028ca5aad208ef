import { GatewayError, parseRetryAfter } from '../../schema/errors.js';

type Headers = Record<string, string | string[] | undefined>;

/**
 * The gateway status for an upstream HTTP status. Request errors keep their status; upstream
 * credential problems are the operator's, not the client's, so they become 502 (the client's own
 * key was fine); server faults become 502/503/504 unless the upstream said overloaded (529).
 */
export function gatewayStatusFor(upstreamStatus: number): number {
  if (upstreamStatus === 401 || upstreamStatus === 403) return 502;
  if (upstreamStatus === 408 || upstreamStatus === 504) return 408;
  if (upstreamStatus === 529 || upstreamStatus === 503) return upstreamStatus;
  if (upstreamStatus >= 500) return 502;
  if (upstreamStatus >= 400) return upstreamStatus;
  return 502;
}

/** Builds the gateway error for an upstream error response, with provider name and raw body. */
export function upstreamError(
  providerName: string,
  upstreamStatus: number,
  message: string,
  rawBody: string,
  headers: Headers,
  extra: { errorType?: string; retryable?: boolean } = {},
): GatewayError {
  const status = gatewayStatusFor(upstreamStatus);
  const retryAfterMs = parseRetryAfter(headers);
  const retryable = extra.retryable ?? (upstreamStatus === 408 || upstreamStatus === 429 || upstreamStatus >= 500);
  const metadata: Record<string, unknown> = {
    provider_name: providerName,
    raw: rawBody,
    upstream_status: upstreamStatus,
  };
  if (extra.errorType !== undefined) metadata.error_type = extra.errorType;
  const respHeaders = retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : undefined;
  return new GatewayError(status, `[${providerName}] ${message}`, { metadata, retryable, retryAfterMs, headers: respHeaders });
}

/** error_type vocabulary (spec §4.3) for an upstream status. */
export function errorTypeFor(status: number): string {
  switch (status) {
    case 400: return 'invalid_request';
    case 401: return 'authentication';
    case 402: return 'payment_required';
    case 403: return 'permission_denied';
    case 404: return 'not_found';
    case 408: return 'timeout';
    case 413: return 'payload_too_large';
    case 422: return 'unprocessable';
    case 429: return 'rate_limit_exceeded';
    case 503: case 529: return 'provider_overloaded';
    default: return status >= 500 ? 'provider_unavailable' : 'unmapped';
  }
}

/** Parses a JSON error body, or returns undefined when it is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
