/**
 * Upstream HTTP: one keep-alive undici Pool per origin, shared by every request to it.
 * Converts transport failures (refused, reset, timeouts) into GatewayErrors once, here.
 */
import { Pool } from 'undici';
import { GatewayError } from '../schema/errors.js';
import type { UpstreamExchange, UpstreamRequest } from '../providers/types.js';
import { UpstreamCall } from './upstream-call.js';

export interface SendOptions {
  signal: AbortSignal;
  timeoutMs: number;
  providerName: string;
}

/** Serves the URLs of one non-network scheme (`replay:`) in-process; registered by the provider that needs it. */
export type UpstreamTransport = (req: UpstreamRequest, opts: SendOptions) => Promise<UpstreamExchange>;

const transports = new Map<string, UpstreamTransport>();

/** `protocol` as URL spells it, with the colon: `replay:`. */
export function registerUpstreamTransport(protocol: string, transport: UpstreamTransport): void {
  transports.set(protocol, transport);
}

/** Opt-in observers of the upstream HTTP layer (recording). None by default. */
export interface UpstreamHooks {
  /** Sees each exchange once the response headers arrived; may return the response with a teed body. */
  onResponse?(req: UpstreamRequest, res: UpstreamExchange, providerName: string): UpstreamExchange;
}

export class UpstreamClient {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly poolOptions: Pool.Options = {},
    private readonly hooks: UpstreamHooks = {},
  ) {}

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (p === undefined) {
      // no cap on connections: each open stream holds one for its whole length (LLM streams last
      // seconds to minutes), and a cap would queue requests behind streams that never yield
      p = new Pool(origin, { connections: null, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, ...this.poolOptions });
      this.pools.set(origin, p);
    }
    return p;
  }

  async send(req: UpstreamRequest, opts: SendOptions): Promise<UpstreamExchange> {
    const url = parseUrl(req.url);
    let res: UpstreamExchange;
    try {
      const transport = transports.get(url.protocol);
      if (transport !== undefined) res = await transport(req, opts);
      else {
        // dispatch, not request(): the body goes from undici's parser to its reader with no Readable between
        const call = new UpstreamCall(opts.signal);
        this.pool(url.origin).dispatch(
          { method: req.method, path: url.path, headers: req.headers, body: req.body, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs },
          call,
        );
        res = await call.head;
      }
    } catch (e) {
      throw transportError(e, opts.providerName);
    }
    return this.hooks.onResponse === undefined ? res : this.hooks.onResponse(req, res, opts.providerName);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
    this.pools.clear();
  }
}

/** Upstream URLs are few (one per endpoint): parsed once, not on every request. */
interface ParsedUrl {
  protocol: string;
  origin: string;
  path: string;
}
const parsedUrls = new Map<string, ParsedUrl>();
function parseUrl(raw: string): ParsedUrl {
  let p = parsedUrls.get(raw);
  if (p === undefined) {
    const u = new URL(raw);
    p = { protocol: u.protocol, origin: u.origin, path: u.pathname + u.search };
    if (parsedUrls.size >= 1000) parsedUrls.clear();
    parsedUrls.set(raw, p);
  }
  return p;
}

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
