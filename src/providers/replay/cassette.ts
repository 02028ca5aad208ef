/**
 * The cassette format: one readable JSON file per upstream exchange, in the provider's native
 * wire format. Requests keep their JSON body as an object; responses keep their bytes exactly:
 * a compact JSON body as an object, anything else as text, streams as the list of chunks in the
 * order and with the boundaries they arrived (a chunk that is not valid UTF-8 on its own is
 * stored as `{ "base64": … }`). Credentials never reach the file.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const CASSETTE_VERSION = 1;

export type StoredChunk = string | { base64: string };

export interface Cassette {
  switchyard_cassette: number;
  /** The provider name it was recorded through, and its adapter type (the wire format). */
  provider: string;
  format: string;
  recorded_at: string;
  request: {
    method: string;
    /** The URL path relative to the provider's base_url, query included (keys redacted). */
    path: string;
    url: string;
    headers: Record<string, string>;
    body?: unknown;
    body_text?: string;
  };
  response: {
    status: number;
    headers: Record<string, string>;
    /** Exactly the bytes received when JSON.stringify(body) reproduces them. */
    body?: unknown;
    body_text?: string;
    /** Streams (text/event-stream, binary event streams): each chunk as received. */
    chunks?: StoredChunk[];
  };
}

export const REDACTED = '[REDACTED]';

/** Header names whose values are credentials (request and response). */
const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie|x-amz-security-token|x-amz-content-sha256|x-amz-date|.*-key|.*token.*|.*secret.*)$/i;
/** Query parameters that carry credentials (Gemini's `?key=`). */
const SECRET_QUERY = /^(key|api_key|apikey|access_token|token|sig|signature|x-amz-.*)$/i;
/** Gateway-internal request headers that are not part of the exchange. */
const INTERNAL_HEADER = /^x-switchyard-replay-/i;

export function redactHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || INTERNAL_HEADER.test(k)) continue;
    out[k.toLowerCase()] = SECRET_HEADER.test(k) ? REDACTED : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  for (const k of [...u.searchParams.keys()]) if (SECRET_QUERY.test(k)) u.searchParams.set(k, REDACTED);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** The path of `url` below `baseUrl` (base path removed), with its query, credentials redacted. */
export function relativePath(url: string, baseUrl: string): string {
  const u = new URL(redactUrl(url));
  let basePath = '';
  try {
    basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    /* no base: keep the whole path */
  }
  const path = basePath !== '' && u.pathname.startsWith(basePath) ? u.pathname.slice(basePath.length) || '/' : u.pathname;
  return path + u.search;
}

export function storeChunk(bytes: Uint8Array): StoredChunk {
  const b = Buffer.from(bytes);
  const text = b.toString('utf8');
  return Buffer.from(text, 'utf8').equals(b) ? text : { base64: b.toString('base64') };
}

export function chunkBytes(c: StoredChunk): Buffer {
  return typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.base64, 'base64');
}

/** A JSON body as an object when that loses nothing, else as text. */
export function storeBody(text: string): { body: unknown } | { body_text: string } {
  try {
    const parsed = JSON.parse(text);
    if (JSON.stringify(parsed) === text) return { body: parsed };
  } catch {
    /* not JSON */
  }
  return { body_text: text };
}

export function isStreamContentType(ct: string | undefined): boolean {
  return ct !== undefined && /event-stream|eventstream|x-ndjson|jsonl/i.test(ct);
}

/** The recorded response bytes, as a list of chunks (one for a JSON body). */
export function responseChunks(c: Cassette): Buffer[] {
  const r = c.response;
  if (r.chunks !== undefined) return r.chunks.map(chunkBytes);
  if (r.body_text !== undefined) return [Buffer.from(r.body_text, 'utf8')];
  if (r.body !== undefined) return [Buffer.from(JSON.stringify(r.body), 'utf8')];
  return [];
}

/** The parsed request body the matcher compares (JSON when it was JSON). */
export function requestBody(c: Cassette): unknown {
  if (c.request.body !== undefined) return c.request.body;
  return c.request.body_text;
}

export interface LoadedCassette {
  file: string;
  cassette: Cassette;
}

/** Parsed cassettes by path, reused while the file's mtime and size stay the same. */
const parsedCache = new Map<string, { mtimeMs: number; size: number; result: LoadedCassette | string }>();

async function loadOne(dir: string, name: string): Promise<LoadedCassette | string> {
  const path = join(dir, name);
  try {
    const st = await stat(path);
    const hit = parsedCache.get(path);
    if (hit !== undefined && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.result;
    let result: LoadedCassette | string;
    try {
      const c = JSON.parse(await readFile(path, 'utf8')) as Cassette;
      result = c?.switchyard_cassette === CASSETTE_VERSION && typeof c.request === 'object' && typeof c.response === 'object'
        ? { file: name, cassette: c }
        : `${name}: not a switchyard cassette (version ${CASSETTE_VERSION})`;
    } catch (e) {
      result = `${name}: ${(e as Error).message}`;
    }
    parsedCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, result });
    return result;
  } catch (e) {
    return `${name}: ${(e as Error).message}`;
  }
}

/** Every cassette in `dir` (non-recursive), sorted by file name; unreadable files are reported, not skipped silently. */
export async function loadCassettes(dir: string): Promise<{ cassettes: LoadedCassette[]; problems: string[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    return { cassettes: [], problems: [`cannot read cassette directory ${dir}: ${(e as Error).message}`] };
  }
  const results = await Promise.all(names.map((name) => loadOne(dir, name)));
  return {
    cassettes: results.filter((r): r is LoadedCassette => typeof r !== 'string'),
    problems: results.filter((r): r is string => typeof r === 'string'),
  };
}
