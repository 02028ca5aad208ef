/**
 * Bedrock errors: HTTP responses (`x-amzn-ErrorType: Name:…` header, body `{message}`) and the
 * exception frames of a ConverseStream (`:exception-type` header), both → GatewayError.
 */
import { GatewayError } from '../../schema/errors.js';
import { errorTypeFor, gatewayStatusFor, tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';

type Headers = Record<string, string | string[] | undefined>;

/** Exception name → [HTTP status it comes with, retryable] (SDK error schema). */
const EXCEPTIONS: Record<string, [number, boolean]> = {
  ValidationException: [400, false],
  ServiceQuotaExceededException: [400, false],
  ConflictException: [400, false],
  AccessDeniedException: [403, false],
  UnrecognizedClientException: [403, false],
  InvalidSignatureException: [403, false],
  ExpiredTokenException: [403, false],
  ResourceNotFoundException: [404, false],
  ModelTimeoutException: [408, true],
  ModelErrorException: [502, false],
  ModelStreamErrorException: [502, true],
  ThrottlingException: [429, true],
  ModelNotReadyException: [429, true],
  InternalServerException: [500, true],
  ServiceUnavailableException: [503, true],
};

/** `ThrottlingException:http://internal.amazon.com/…` or `throttlingException` → `ThrottlingException`. */
export function exceptionName(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const name = raw.split(':')[0]!.split('#').pop()!;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function parseBedrockError(status: number, headers: Headers, body: string, ctx: AdapterContext): GatewayError {
  const h = headers['x-amzn-errortype'];
  const parsed = tryJson(body) as { message?: string; Message?: string; __type?: string } | undefined;
  const name = exceptionName(Array.isArray(h) ? h[0] : h) ?? exceptionName(parsed?.__type);
  const text = parsed?.message ?? parsed?.Message ?? (body.trim() === '' ? `upstream returned HTTP ${status}` : body.slice(0, 500));
  const known = name === undefined ? undefined : EXCEPTIONS[name];
  // a failing model (424) is the upstream's fault, not the client's
  const effective = status === 424 ? 502 : status;
  return upstreamError(ctx.provider.name, effective, name === undefined ? text : `${name}: ${text}`, body, headers, {
    errorType: errorTypeFor(effective),
    retryable: known?.[1],
  });
}

/** An exception frame inside a stream. */
export function streamException(type: string | undefined, payload: string, ctx: AdapterContext): GatewayError {
  const name = exceptionName(type) ?? 'InternalServerException';
  const parsed = tryJson(payload) as { message?: string } | undefined;
  const [status, retryable] = EXCEPTIONS[name] ?? [502, true];
  return new GatewayError(gatewayStatusFor(status), `[${ctx.provider.name}] ${name}: ${parsed?.message ?? 'stream error'}`, {
    metadata: { provider_name: ctx.provider.name, raw: payload.slice(0, 2000), error_type: errorTypeFor(status) },
    retryable,
  });
}
