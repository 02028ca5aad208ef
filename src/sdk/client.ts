/**
 * A small client for Switchyard's OpenRouter-compatible API: plain `fetch`, typed with the
 * gateway's public types. `chat.completions.create` (JSON, or an async iterator of chunks when
 * `stream: true`), `models.list`, and `runTools` (the agent loop, run-tools.ts).
 */
import type { ChatChunk, ChatRequest, ChatResponse } from '../schema/types.js';
import { SwitchyardError } from './errors.js';
import { runTools, type RunToolsOptions, type RunToolsResult } from './run-tools.js';
import { parseSse } from './sse.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080/api/v1';

export interface SwitchyardOptions {
  /** Ends in /api/v1. Default: $SWITCHYARD_BASE_URL, else http://127.0.0.1:8080/api/v1. */
  baseURL?: string;
  /** Sent as a Bearer token. Default: $SWITCHYARD_API_KEY. */
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** A streamed completion: iterate it for chunks. A mid-stream error chunk throws a SwitchyardError. */
export interface ChatStream extends AsyncIterable<ChatChunk> {
  /** The gateway's generation id (x-generation-id). */
  readonly generationId: string | null;
}

export interface ModelInfo {
  id: string;
  name: string;
  context_length: number | null;
  supported_parameters: string[];
  pricing: Record<string, string>;
  [k: string]: unknown;
}

export interface ListModelsOptions {
  /** Only models that take all of these (e.g. `tools`). */
  supportedParameters?: string | string[];
  signal?: AbortSignal;
}

export class Switchyard {
  readonly baseURL: string;
  private readonly apiKey: string | undefined;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: SwitchyardOptions = {}) {
    const env: Record<string, string | undefined> = typeof process === 'undefined' ? {} : process.env;
    this.baseURL = (opts.baseURL ?? env.SWITCHYARD_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.apiKey = opts.apiKey ?? env.SWITCHYARD_API_KEY;
    this.headers = opts.headers ?? {};
    this.fetchImpl = opts.fetch ?? fetch;
  }

  readonly chat = {
    completions: {
      create: ((body: ChatRequest, opts?: RequestOptions) => this.createCompletion(body, opts)) as {
        (body: ChatRequest & { stream: true }, opts?: RequestOptions): Promise<ChatStream>;
        (body: ChatRequest & { stream?: false | null }, opts?: RequestOptions): Promise<ChatResponse>;
        (body: ChatRequest, opts?: RequestOptions): Promise<ChatResponse | ChatStream>;
      },
    },
  };

  readonly models = {
    list: async (opts: ListModelsOptions = {}): Promise<{ data: ModelInfo[] }> => {
      const q = new URLSearchParams();
      if (opts.supportedParameters !== undefined) {
        q.set('supported_parameters', Array.isArray(opts.supportedParameters) ? opts.supportedParameters.join(',') : opts.supportedParameters);
      }
      const qs = q.toString();
      const res = await this.request('GET', `/models${qs === '' ? '' : `?${qs}`}`, undefined, { signal: opts.signal });
      return (await res.json()) as { data: ModelInfo[] };
    },
  };

  /** The agent loop: see run-tools.ts. */
  runTools(opts: RunToolsOptions): Promise<RunToolsResult> {
    return runTools(this, opts);
  }

  private async createCompletion(body: ChatRequest, opts: RequestOptions = {}): Promise<ChatResponse | ChatStream> {
    const res = await this.request('POST', '/chat/completions', body, opts);
    if (body.stream !== true) return (await res.json()) as ChatResponse;
    const stream = res.body;
    if (stream === null) throw new SwitchyardError(502, 'streaming response without a body');
    return {
      generationId: res.headers.get('x-generation-id'),
      async *[Symbol.asyncIterator]() {
        try {
          for await (const msg of parseSse(stream as unknown as AsyncIterable<Uint8Array>)) {
            if (msg.data === '[DONE]') return;
            const chunk = JSON.parse(msg.data) as ChatChunk;
            if (chunk.error !== undefined) throw new SwitchyardError(chunk.error.code, chunk.error.message, chunk.error.metadata);
            yield chunk;
          }
        } finally {
          await stream.cancel().catch(() => undefined);
        }
      },
    };
  }

  private async request(method: string, path: string, body: unknown, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers, ...opts.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetchImpl(`${this.baseURL}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
    if (!res.ok) throw SwitchyardError.fromBody(res.status, await res.text());
    return res;
  }
}
