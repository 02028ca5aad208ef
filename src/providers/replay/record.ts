/**
 * Recording: `record_dir:` on a provider (or `switchyard serve --record DIR` for all of them)
 * writes each upstream exchange of that provider as one cassette file, at the upstream HTTP
 * layer, so it works the same for every provider type. Files are named after a hash of the
 * normalized request, so recording the same conversation again updates the files in place.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/types.js';
import type { UpstreamHooks } from '../../router/upstream.js';
import type { ProviderConfig, UpstreamExchange, UpstreamRequest } from '../types.js';
import { teeBody } from './body.js';
import {
  CASSETTE_VERSION,
  isStreamContentType,
  redactHeaders,
  redactUrl,
  relativePath,
  storeBody,
  storeChunk,
  type Cassette,
} from './cassette.js';
import { normalizeBody, normalizePath } from './match.js';

/** The provider's recording directory, if it records. */
export function recordDirOf(p: ProviderConfig | undefined): string | undefined {
  return p !== undefined && typeof p.record_dir === 'string' && p.record_dir !== '' ? p.record_dir : undefined;
}

/** Upstream hooks that record the providers configured with `record_dir`; none when no provider records. */
export function recordingHooks(config: Pick<Config, 'providers'>, cwd = process.cwd()): UpstreamHooks {
  if (![...config.providers.values()].some((p) => recordDirOf(p) !== undefined)) return {};
  return {
    onResponse(req, res, providerName) {
      const provider = config.providers.get(providerName);
      const dir = recordDirOf(provider);
      if (provider === undefined || dir === undefined) return res;
      return recordExchange(req, res, provider, resolve(cwd, dir));
    },
  };
}

function recordExchange(req: UpstreamRequest, res: UpstreamExchange, provider: ProviderConfig, dir: string): UpstreamExchange {
  const chunks: Buffer[] = [];
  const body = teeBody(res.body, {
    chunk: (b) => void chunks.push(Buffer.from(b)),
    end: async ({ complete, error }) => {
      if (error !== undefined) return; // a broken exchange is not worth replaying
      try {
        await writeCassette(dir, buildCassette(req, res, provider, chunks, complete));
      } catch (e) {
        process.emitWarning(`switchyard: could not record cassette in ${dir}: ${(e as Error).message}`);
      }
    },
  });
  // not a spread: an exchange's headers may be a getter on its prototype (router/upstream-call.ts)
  return { status: res.status, headers: res.headers, body };
}

export function buildCassette(req: UpstreamRequest, res: UpstreamExchange, provider: ProviderConfig, chunks: Buffer[], complete = true): Cassette {
  const reqText = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8');
  const request: Cassette['request'] = {
    method: req.method,
    path: relativePath(req.url, provider.base_url),
    url: redactUrl(req.url),
    headers: redactHeaders(req.headers),
  };
  if (reqText !== undefined) {
    try {
      request.body = JSON.parse(reqText);
    } catch {
      request.body_text = reqText;
    }
  }
  const headers = redactHeaders(res.headers);
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  delete headers.date;
  const response: Cassette['response'] & { incomplete?: boolean } = { status: res.status, headers };
  if (isStreamContentType(headers['content-type'])) response.chunks = chunks.map(storeChunk);
  else Object.assign(response, storeBody(Buffer.concat(chunks).toString('utf8')));
  if (!complete) response.incomplete = true;
  return {
    switchyard_cassette: CASSETTE_VERSION,
    provider: provider.name,
    format: provider.type,
    recorded_at: new Date().toISOString(),
    request,
    response,
  };
}

/** `<provider>-<hash of the normalized request>.json` */
export function cassetteFileName(c: Cassette): string {
  const key = JSON.stringify([c.request.method, normalizePath(c.request.path), normalizeBody(c.request.body ?? c.request.body_text)]);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${c.provider.replace(/[^A-Za-z0-9_.-]/g, '_')}-${hash}.json`;
}

export async function writeCassette(dir: string, c: Cassette): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, cassetteFileName(c));
  await writeFile(file, `${JSON.stringify(c, null, 2)}\n`);
  return file;
}

/** `switchyard serve --record DIR`: every live provider records into DIR (replay providers are already recordings). */
export function recordAllProviders(config: Pick<Config, 'providers'>, dir: string): void {
  for (const p of config.providers.values()) if (p.type !== 'replay') p.record_dir = dir;
}
