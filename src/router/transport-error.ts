/** Transport failures (refused, reset, timeouts, aborts) as GatewayErrors: upstream.ts and upstream-call.ts both map them. */
import { GatewayError } from '../schema/errors.js';

/** A transport failure (no HTTP answer, or a broken body) → a gateway error. */
export function transportError(e: unknown, providerName: string): GatewayError {
  if (e instanceof GatewayError) return e;
  const err = e as { code?: string; name?: string; message?: string };
  const code = err?.code ?? err?.name ?? 'UNKNOWN';
  const meta = { provider_name: providerName, error_type: 'provider_unavailable', provider_code: code };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return new GatewayError(408, `[${providerName}] upstream timed out`, { metadata: { ...meta, error_type: 'timeout' }, retryable: true, cause: e });
  if (code === 'AbortError' || code === 'UND_ERR_ABORTED' || err?.name === 'AbortError') // a DOMException's code is a number (20)
    return new GatewayError(499, 'request cancelled by the client', { metadata: { ...meta, error_type: 'cancelled' }, retryable: false, cause: e });
  return new GatewayError(502, `[${providerName}] upstream unreachable or connection lost (${code}${err?.message ? `: ${err.message}` : ''})`, {
    metadata: meta,
    retryable: true,
    cause: e,
  });
}
