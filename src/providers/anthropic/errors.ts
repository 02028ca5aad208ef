/**
 * Anthropic errors → gateway errors. Body `{type:"error", error:{type, message}, request_id}`;
 * the same `error` object also arrives as an `error` event inside a 200 stream.
 */
import type { GatewayError } from '../../schema/errors.js';
import { tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';

type Headers = Record<string, string | string[] | undefined>;

/** error.type → the HTTP status Anthropic uses for it and the OpenRouter error_type (spec §4.3). */
export const ERROR_TYPES: Record<string, { status: number; errorType: string }> = {
  invalid_request_error: { status: 400, errorType: 'invalid_request' },
  authentication_error: { status: 401, errorType: 'authentication' },
  billing_error: { status: 402, errorType: 'payment_required' },
  permission_error: { status: 403, errorType: 'permission_denied' },
  not_found_error: { status: 404, errorType: 'not_found' },
  conflict_error: { status: 409, errorType: 'invalid_request' },
  request_too_large: { status: 413, errorType: 'payload_too_large' },
  rate_limit_error: { status: 429, errorType: 'rate_limit_exceeded' },
  api_error: { status: 500, errorType: 'provider_unavailable' },
  timeout_error: { status: 504, errorType: 'timeout' },
  overloaded_error: { status: 529, errorType: 'provider_overloaded' },
};

const CONTEXT_TOO_LONG = /prompt is too long|context (window|length)|too many (input )?tokens/i;

interface ErrorObject {
  type?: string;
  message?: string;
}

/** A non-2xx response. */
export function parseAnthropicError(status: number, headers: Headers, body: string, ctx: AdapterContext): GatewayError {
  const parsed = tryJson(body) as { error?: ErrorObject | string; message?: string } | undefined;
  const err = typeof parsed?.error === 'object' && parsed.error !== null ? parsed.error : undefined;
  const message = err?.message ?? (typeof parsed?.error === 'string' ? parsed.error : undefined) ?? parsed?.message ?? (body.trim() === '' ? `upstream returned HTTP ${status}` : body.slice(0, 500));
  return build(ctx, status, err?.type, message, body, headers);
}

/** An error object inside a 200 (an `error` stream event, or an error body): the status comes from the error type. */
export function embeddedError(data: string, ctx: AdapterContext): GatewayError {
  const parsed = tryJson(data) as { error?: ErrorObject } | undefined;
  const type = parsed?.error?.type;
  const status = (type !== undefined ? ERROR_TYPES[type]?.status : undefined) ?? 502;
  return build(ctx, status, type, parsed?.error?.message ?? 'stream error', data, {});
}

function build(ctx: AdapterContext, status: number, type: string | undefined, message: string, raw: string, headers: Headers): GatewayError {
  const known = type !== undefined ? ERROR_TYPES[type] : undefined;
  // a proxy in front of Anthropic may answer with a status that disagrees with the type; the status wins
  const upstreamStatus = status >= 400 ? status : known?.status ?? 502;
  let errorType = known?.errorType;
  if (upstreamStatus === 400 && CONTEXT_TOO_LONG.test(message)) errorType = 'context_length_exceeded';
  return upstreamError(ctx.provider.name, upstreamStatus, message, raw, headers, { errorType: errorType ?? fallbackType(upstreamStatus) });
}

function fallbackType(status: number): string {
  for (const v of Object.values(ERROR_TYPES)) if (v.status === status) return v.errorType;
  return status >= 500 ? 'provider_unavailable' : 'unmapped';
}
