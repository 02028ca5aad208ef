/**
 * The gateway process: a plain node:http server (the fastest option in Node; the routes are few),
 * its routes, and its lifecycle. `createGateway(config)` is what the CLI and the tests start.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { Config } from '../config/types.js';
import { Catalog } from '../router/catalog.js';
import { Router, type CandidatePlanner } from '../router/execute.js';
import { UpstreamClient } from '../router/upstream.js';
import { recordingHooks } from '../providers/replay/record.js';
import { GatewayError } from '../schema/errors.js';
import { Authenticator, isLoopback, type KeyResolver, type Principal } from './auth.js';
import { handleChat, type ChatHooks } from './chat.js';
import { sendError, sendJson } from './http.js';
import { listModels, modelEndpoints, oneModel } from './models.js';

/** A route handler; `params` holds the path's captured parts. */
export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  /** Authenticates the caller (401 otherwise); a plain value when no lookup was needed. */
  auth(): Principal | Promise<Principal>;
  gateway: Gateway;
}

export interface Route {
  method: string;
  /** Exact path, or a RegExp whose groups become params. */
  path: string | RegExp;
  handler: RouteHandler;
}

/** What later features plug into the gateway without editing it. */
export interface GatewayExtensions {
  planner?: CandidatePlanner;
  hooks?: ChatHooks;
  resolveKey?: KeyResolver;
  /** True when stored keys exist (then the gateway is not open even without a master key). */
  hasKeys?: () => boolean;
  routes?: Route[];
  /** Called by close(). */
  onClose?: () => Promise<void> | void;
}

export interface GatewayOptions {
  logger?: Logger;
  extensions?: GatewayExtensions;
}

const NO_PARAMS: string[] = [];

export class Gateway {
  readonly server: Server;
  readonly catalog: Catalog;
  readonly router: Router;
  readonly upstream: UpstreamClient;
  readonly logger: Logger;
  private readonly auth: Authenticator;
  private readonly exact = new Map<string, RouteHandler>();
  private readonly patterns: Route[] = [];
  private readonly ext: GatewayExtensions;

  constructor(
    readonly config: Config,
    opts: GatewayOptions = {},
  ) {
    this.logger = opts.logger ?? pino({ level: process.env.SWITCHYARD_LOG_LEVEL ?? 'info' });
    this.ext = opts.extensions ?? {};
    this.catalog = new Catalog(config);
    this.upstream = new UpstreamClient({}, recordingHooks(config));
    this.router = new Router(this.catalog, this.upstream, this.ext.planner);
    this.auth = new Authenticator({
      masterKey: config.master_key,
      resolveKey: this.ext.resolveKey,
      open: () => config.master_key === undefined && !(this.ext.hasKeys?.() ?? false),
    });
    for (const r of [...this.builtinRoutes(), ...(this.ext.routes ?? [])]) this.addRoute(r);
    this.server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => void this.dispatch(req, res));
    this.server.headersTimeout = 60_000;
  }

  addRoute(r: Route): void {
    if (typeof r.path === 'string') this.exact.set(`${r.method} ${r.path}`, r.handler);
    else this.patterns.push(r);
  }

  private builtinRoutes(): Route[] {
    const chatOpts = () => ({
      router: this.router,
      bodyLimit: this.config.server.body_limit,
      keepaliveMs: this.config.server.stream_keepalive_ms,
      hooks: this.ext.hooks ?? {},
    });
    const chat: RouteHandler = (c) => {
      const p = c.auth();
      return p instanceof Promise ? p.then((principal) => handleChat(c.req, c.res, principal, chatOpts())) : handleChat(c.req, c.res, p, chatOpts());
    };
    const models: RouteHandler = (c) => sendJson(c.res, 200, listModels(this.catalog, c.url.searchParams));
    return [
      { method: 'POST', path: '/api/v1/chat/completions', handler: chat },
      { method: 'POST', path: '/v1/chat/completions', handler: chat },
      { method: 'GET', path: '/api/v1/models', handler: models },
      { method: 'GET', path: '/v1/models', handler: models },
      { method: 'GET', path: '/api/v1/models/count', handler: (c) => sendJson(c.res, 200, { data: { count: this.catalog.models.length } }) },
      { method: 'GET', path: '/health', handler: (c) => sendJson(c.res, 200, { status: 'ok', models: this.catalog.models.length, pid: process.pid }) },
      { method: 'GET', path: /^\/api\/v1\/models\/(.+)\/endpoints$/, handler: (c) => sendJson(c.res, 200, modelEndpoints(this.catalog, c.params[0]!)) },
      { method: 'GET', path: /^\/api\/v1\/model\/(.+)$/, handler: (c) => sendJson(c.res, 200, oneModel(this.catalog, c.params[0]!)) },
    ];
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
      const method = req.method ?? 'GET';
      let handler = this.exact.get(`${method} ${path}`);
      let params: string[] = NO_PARAMS;
      if (handler === undefined) {
        for (const r of this.patterns) {
          if (r.method !== method || typeof r.path === 'string') continue;
          const m = r.path.exec(path);
          if (m) {
            handler = r.handler;
            params = m.slice(1).map((s) => decodeURIComponent(s));
            break;
          }
        }
      }
      if (handler === undefined) {
        const known = [...this.exact.keys()].some((k) => k.endsWith(` ${path}`)) || this.patterns.some((r) => (r.path as RegExp).test(path));
        req.resume();
        throw known
          ? new GatewayError(405, `method ${method} not allowed on ${path}`, { retryable: false })
          : new GatewayError(404, `no route for ${method} ${path}`, { retryable: false });
      }
      await handler(new Context(req, res, rawUrl, params, this.auth, this));
    } catch (e) {
      if (!(e instanceof GatewayError)) this.logger.error({ err: e }, 'unhandled error in request');
      if (req.readable) req.resume();
      if (!res.headersSent) sendError(res, e);
      else if (!res.writableEnded) res.end();
    }
  }

  /** Listens; resolves with the URL. Refuses to run open on a non-loopback address. */
  async listen(port = this.config.server.port, host = this.config.server.host): Promise<string> {
    const open = this.config.master_key === undefined && !(this.ext.hasKeys?.() ?? false);
    if (open) {
      if (!isLoopback(host)) {
        throw new Error(`refusing to listen on ${host} without a master key: set master_key (or SWITCHYARD_MASTER_KEY), or bind to 127.0.0.1`);
      }
      this.logger.warn('no master key configured: the gateway accepts requests without authentication (loopback only)');
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.upstream.close();
    await this.ext.onClose?.();
  }
}

/** One request's RouteContext: a class, so the lazy `url` getter lives on the prototype, not on every request. */
class Context implements RouteContext {
  private parsed: URL | undefined;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly rawUrl: string,
    readonly params: string[],
    private readonly authenticator: Authenticator,
    readonly gateway: Gateway,
  ) {}

  /** Parsed on first use: the chat route never reads it. */
  get url(): URL {
    return (this.parsed ??= new URL(this.rawUrl, 'http://gateway'));
  }

  auth(): Principal | Promise<Principal> {
    return this.authenticator.authenticate(this.req);
  }
}

export function createGateway(config: Config, opts: GatewayOptions = {}): Gateway {
  return new Gateway(config, opts);
}
