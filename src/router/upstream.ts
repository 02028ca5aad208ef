/**
 * Upstream HTTP: one keep-alive undici Pool per origin, shared by every request to it.
 * Transport failures (refused, reset, timeouts) reach callers as GatewayErrors (transport-error.ts).
 */
import { Pool } from 'undici';
import type { UpstreamExchange, UpstreamRequest } from '../providers/types.js';
import { transportError } from './transport-error.js';
import { UpstreamCall } from './upstream-call.js';

export { transportError };

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

  /** Rejects with a GatewayError (transportError) when no answer came. */
  send(req: UpstreamRequest, opts: SendOptions): Promise<UpstreamExchange> {
    let url: ParsedUrl;
    try {
      url = parseUrl(req.url);
    } catch (e) {
      return Promise.reject(transportError(e, opts.providerName));
    }
    const transport = transports.get(url.protocol);
    if (transport !== undefined || this.hooks.onResponse !== undefined) return this.sendObserved(req, opts, url, transport);
    // the common path is not an async function: the head's promise is the only one per exchange
    try {
      return this.dispatch(url, req, opts).head;
    } catch (e) {
      return Promise.reject(transportError(e, opts.providerName));
    }
  }

  /** Through a registered transport, or with an onResponse hook. */
  private async sendObserved(req: UpstreamRequest, opts: SendOptions, url: ParsedUrl, transport: UpstreamTransport | undefined): Promise<UpstreamExchange> {
    let res: UpstreamExchange;
    try {
      res = transport !== undefined ? await transport(req, opts) : await this.dispatch(url, req, opts).head;
    } catch (e) {
      throw transportError(e, opts.providerName);
    }
    return this.hooks.onResponse === undefined ? res : this.hooks.onResponse(req, res, opts.providerName);
  }

  /** Starts the exchange on the origin's pool; the call's `head` settles with the answer's head or a GatewayError. */
  private dispatch(url: ParsedUrl, req: UpstreamRequest, opts: SendOptions): UpstreamCall {
    // dispatch, not request(): the body goes from undici's parser to its reader with no Readable between
    const call = new UpstreamCall(opts.signal, opts.providerName);
    this.pool(url.origin).dispatch(
      { method: req.method, path: url.path, headers: req.headers, body: req.body, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs },
      call,
    );
    return call;
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
