/**
 * Shared set-up of the routing and generation tests: several wire-level OpenAI fakes, each one
 * provider (endpoint) of the same model, each answering with its own name so a test can see
 * which endpoint served.
 */
import type { FakeServer, Reply } from '../fakes/harness.js';
import { completion, startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';

export const MODEL = 'acme/chat';

export interface EndpointSpec {
  name: string;
  /** USD per million prompt tokens (completion is free, so weights follow this alone). */
  promptPerM?: number;
  completionPerM?: number;
  /** Extra endpoint fields (supported_parameters, zdr, quantization, …). */
  endpoint?: Record<string, unknown>;
  /** Extra provider fields (timeout_ms, …). */
  provider?: Record<string, unknown>;
  /** base_url override (a closed port for "connection refused"). */
  baseUrl?: string;
}

/** Starts one fake per name; by default each answers (JSON or stream, as asked) "from <name>". */
export async function startFakes(names: string[]): Promise<Record<string, FakeServer>> {
  const out: Record<string, FakeServer> = {};
  for (const name of names) out[name] = await startFakeOpenAI({ fallback: (req) => okReply(name, req.body?.stream === true) });
  return out;
}

export function okReply(name: string, streamed: boolean): Reply {
  return streamed ? stream(streamFrames({ text: ['from ', name] })) : completion({ content: `from ${name}` });
}

export async function stopAll(fakes: Record<string, FakeServer>): Promise<void> {
  await Promise.all(Object.values(fakes).map((f) => f.stop()));
}

const perToken = (perM: number) => (perM / 1e6).toFixed(12).replace(/0+$/, '').replace(/\.$/, '');

/** A config with one provider per endpoint spec, all endpoints of MODEL (plus `models` extra models). */
export function routingConfig(
  fakes: Record<string, FakeServer>,
  specs: EndpointSpec[],
  over: Record<string, unknown> = {},
  extraModels: { id: string; endpoints: string[] }[] = [],
): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  for (const s of specs) {
    providers[s.name] = { type: 'openai', base_url: s.baseUrl ?? `${fakes[s.name]!.url}/v1`, api_key: `sk-${s.name}`, ...s.provider };
  }
  const endpoint = (s: EndpointSpec) => ({
    provider: s.name,
    model: `${s.name}-model`,
    pricing: { prompt: perToken(s.promptPerM ?? 1), completion: perToken(s.completionPerM ?? 0) },
    ...s.endpoint,
  });
  const byName = new Map(specs.map((s) => [s.name, s]));
  return {
    providers,
    models: [
      { id: MODEL, endpoints: specs.map(endpoint) },
      ...extraModels.map((m) => ({ id: m.id, endpoints: m.endpoints.map((n) => endpoint(byName.get(n)!)) })),
    ],
    ...over,
  };
}

export const hi = { messages: [{ role: 'user', content: 'hi' }] };

export interface Posted {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function post(baseURL: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Posted> {
  const r = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: MODEL, ...hi, ...body }),
  });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, headers: r.headers, body: parsed, text };
}

/** SSE data payloads of a streamed response body. */
export function sseData(text: string): any[] {
  return text
    .split('\n\n')
    .filter((f) => f.startsWith('data: ') && f !== 'data: [DONE]')
    .map((f) => JSON.parse(f.slice(6)));
}

/** Runs n requests with bounded concurrency; resolves with every result. */
export async function many<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

export const count = (fakes: Record<string, FakeServer>) => Object.fromEntries(Object.entries(fakes).map(([k, f]) => [k, f.requests.length]));
