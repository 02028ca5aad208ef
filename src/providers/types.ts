/**
 * The provider adapter interface. An adapter is a small object of pure functions from the
 * canonical request to a provider's wire format and back, plus a streaming parser. It does no I/O:
 * the router sends the request it builds (undici pool) and hands it the bytes that come back.
 * Adding a provider = one folder under src/providers/ and one line in src/providers/index.ts.
 */
import type { CanonicalRequest, CanonicalResponse, StreamEvent } from '../schema/canonical.js';
import type { GatewayError } from '../schema/errors.js';

/** A provider as configured (`providers.<name>` in the config file), defaults applied. */
export interface ProviderConfig {
  /** The key under `providers:`; reported to clients as `provider`. */
  name: string;
  type: string;
  /** Without trailing slash. */
  base_url: string;
  api_key?: string;
  headers: Record<string, string>;
  timeout_ms: number;
  /** Type-specific settings (region, api_version, …) stay here untouched. */
  [key: string]: unknown;
}

export interface Pricing {
  /** USD per token, as decimal strings (OpenRouter's convention). */
  prompt: string;
  completion: string;
  request?: string;
  image?: string;
  input_cache_read?: string;
  input_cache_write?: string;
  internal_reasoning?: string;
}

/** One way of serving a model: a provider plus the upstream's model id. */
export interface EndpointConfig {
  provider: string;
  model: string;
  pricing: Pricing;
  /** What this endpoint accepts; the model's list, else the provider type's default. */
  supported_parameters: string[];
  context_length?: number;
  max_completion_tokens?: number;
  quantization?: string;
  /** Relative weight for load balancing (default 1). */
  weight?: number;
  /** Endpoint-level flags (data_collection, zdr, tools: emulated, …). */
  [key: string]: unknown;
}

export interface AdapterContext {
  provider: ProviderConfig;
  endpoint: EndpointConfig;
  /** The gateway's generation id for this request (gen-…): a seed for synthesized ids. */
  generationId: string;
  /** The request this attempt serves (after parameter restriction). Set by the router; wrappers read it when parsing (emulated tools). */
  request?: CanonicalRequest;
  /**
   * One more exchange with the same upstream (same signal and timeout). Adapters do no I/O; this is
   * for wrappers that must ask again within one attempt (the emulated-tools retry). Set by the router.
   */
  send?(req: UpstreamRequest): Promise<UpstreamExchange>;
}

/** An upstream response body: read it once, one way. */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /**
   * Hands every chunk to `fn` as it is read; resolves when the body ended (or `fn` returned false:
   * reading stops and the connection is dropped), rejects when the transport broke.
   */
  each(fn: (chunk: Uint8Array) => boolean | void): Promise<void>;
  /** Ends the exchange early; a no-op once the body ended. */
  destroy(err?: Error): unknown;
}

/** An upstream HTTP response as `AdapterContext.send` returns it. */
export interface UpstreamExchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
}

export interface UpstreamRequest {
  method: 'POST' | 'GET';
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Turns upstream stream bytes into canonical events; must accept any chunk boundary. */
export interface StreamParser {
  push(chunk: Uint8Array): void;
  /** The upstream closed the stream. May finish asynchronously (a wrapper asking again); the router awaits it. */
  end(): void | Promise<void>;
}

export type Emit = (event: StreamEvent) => void;

export interface ProviderAdapter {
  /** The `type:` this adapter serves in config. */
  readonly type: string;
  /** Used when the provider config gives no base_url. */
  readonly defaultBaseUrl?: string;
  /** supported_parameters for endpoints of this type that declare none. */
  readonly supportedParameters: readonly string[];
  /** Extra config checks; return messages like `region: required`. Paths are relative to the provider. */
  validateConfig?(provider: ProviderConfig): string[];
  /** Canonical request → upstream HTTP request. Throws GatewayError(400) for what cannot be translated. */
  buildRequest(req: CanonicalRequest, ctx: AdapterContext): UpstreamRequest;
  /** Optional async step after buildRequest (request signing). */
  sign?(req: UpstreamRequest, ctx: AdapterContext): Promise<UpstreamRequest>;
  /** Parsed JSON body of a successful non-streaming upstream response → canonical response. */
  parseResponse(body: unknown, ctx: AdapterContext): CanonicalResponse;
  /** Optional async step after parseResponse (a wrapper asking again: the emulated-tools retry). */
  completeResponse?(res: CanonicalResponse, ctx: AdapterContext): Promise<CanonicalResponse>;
  /** A parser for a successful streaming upstream response. */
  createStreamParser(ctx: AdapterContext, emit: Emit): StreamParser;
  /** A non-2xx upstream response → the gateway error to report. */
  parseError(status: number, headers: Record<string, string | string[] | undefined>, body: string, ctx: AdapterContext): GatewayError;
}
