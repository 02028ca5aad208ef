/**
 * Upstream HTTP: one keep-alive undici Pool per origin, shared by every request to it.
 * Converts transport failures (refused, reset, timeouts) into GatewayErrors once, here.
 */
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../schema/errors.js';
import type { UpstreamRequest } from '../providers/types.js';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export class UpstreamClient {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly poolOptions: Pool.Options = {}) {}

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (p === undefined) {
      p = new Pool(origin, { connections: 512, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, ...this.poolOptions });
      this.pools.set(origin, p);
    }
    return p;
  }

  async send(req: UpstreamRequest, opts: { signal: AbortSignal; timeoutMs: number; providerName: string }): Promise<UpstreamResponse> {
    const url = new URL(req.url);
    try {
      const res = await this.pool(url.origin).request({
        method: req.method,
        path: url.pathname + url.search,
        headers: req.headers,
        body: req.body,
        signal: opts.signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (e) {
      throw transportError(e, opts.providerName);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
    this.pools.clear();
  }
}

/** A transport failure (no HTTP answer, or a broken body) → a gateway error. */
export function transportError(e: unknown, providerName: string): GatewayError {
  if (e instanceof GatewayError) return e;
  const err = e as { code?: string; name?: string; message?: string };
  const code = err?.code ?? err?.name ?? 'UNKNOWN';
  const meta = { provider_name: providerName, error_type: 'provider_unavailable', provider_code: code };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return new GatewayError(408, `[${providerName}] upstream timed out`, { metadata: { ...meta, error_type: 'timeout' }, retryable: true, cause: e });
  if (code === 'AbortError' || code === 'UND_ERR_ABORTED')
    return new GatewayError(499, 'request cancelled by the client', { metadata: { ...meta, error_type: 'cancelled' }, retryable: false, cause: e });
  return new GatewayError(502, `[${providerName}] upstream unreachable or connection lost (${code}${err?.message ? `: ${err.message}` : ''})`, {
    metadata: meta,
    retryable: true,
    cause: e,
  });
}
