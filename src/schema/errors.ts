/**
 * The one error type of the gateway. Created where a failure is understood (validation, auth,
 * an upstream's error body, a dead socket), rendered once at the edge: as a JSON error body with
 * the same HTTP status, or as the final error chunk of a stream that had already begun.
 */
export type ErrorMetadata = Record<string, unknown>;

export class GatewayError extends Error {
  readonly status: number;
  readonly metadata: ErrorMetadata | undefined;
  /** May another endpoint or a later attempt succeed where this one failed? */
  readonly retryable: boolean;
  /** Upstream's retry-after, in milliseconds, when it gave one. */
  readonly retryAfterMs: number | undefined;
  /** Extra response headers (e.g. retry-after) to send with the error. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    message: string,
    opts: { metadata?: ErrorMetadata; retryable?: boolean; retryAfterMs?: number; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.status = status;
    this.metadata = opts.metadata;
    this.retryable = opts.retryable ?? isRetryableStatus(status);
    this.retryAfterMs = opts.retryAfterMs;
    this.headers = opts.headers;
  }

  toBody(): { error: { code: number; message: string; metadata?: ErrorMetadata } } {
    return this.metadata === undefined
      ? { error: { code: this.status, message: this.message } }
      : { error: { code: this.status, message: this.message, metadata: this.metadata } };
  }
}

/** Statuses after which trying another endpoint is safe and may help. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export const badRequest = (message: string, metadata?: ErrorMetadata) =>
  new GatewayError(400, message, { metadata, retryable: false });

/** Parses a Retry-After header (seconds or HTTP date) or retry-after-ms into milliseconds. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>): number | undefined {
  const ms = one(headers['retry-after-ms']);
  if (ms !== undefined && ms !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const v = one(headers['retry-after']);
  if (v === undefined || v === '') return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
