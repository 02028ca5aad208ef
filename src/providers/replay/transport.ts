/**
 * The replay transport: answers `replay:` URLs from a directory of cassettes instead of the
 * network. The replay adapter puts the directory in a gateway-internal header; everything else
 * is the native adapter's own request. Streams play back with their recorded chunking.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { GatewayError } from '../../schema/errors.js';
import type { UpstreamExchange, UpstreamRequest } from '../types.js';
import { registerUpstreamTransport, type SendOptions } from '../../router/upstream.js';
import { bodyFrom } from './body.js';
import { loadCassettes, responseChunks } from './cassette.js';
import { findCassette } from './match.js';

export const REPLAY_PROTOCOL = 'replay:';
export const DIR_HEADER = 'x-switchyard-replay-dir';

export async function replayTransport(req: UpstreamRequest, opts: SendOptions): Promise<UpstreamExchange> {
  const dir = req.headers[DIR_HEADER];
  if (dir === undefined) throw new GatewayError(500, `[${opts.providerName}] replay request without a cassette directory`, { retryable: false });
  const url = new URL(req.url);
  const text = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8');
  let body: unknown = text;
  if (text !== undefined) {
    try {
      body = JSON.parse(text);
    } catch {
      /* compared as text */
    }
  }
  const { cassettes, problems } = await loadCassettes(dir);
  const found = findCassette(cassettes, { method: req.method, path: url.pathname + url.search, body });
  if (found.match === undefined) throw noMatch(opts.providerName, dir, cassettes.length, found.closest, problems);
  const c = found.match.cassette;
  const chunks = responseChunks(c);
  const { signal } = opts;
  async function* play(): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) {
      if (signal.aborted) throw Object.assign(new Error('replay aborted'), { name: 'AbortError' });
      yield chunk;
      if (chunks.length > 1) await tick();
    }
  }
  return { status: c.response.status, headers: { ...c.response.headers }, body: bodyFrom(play()) };
}

function noMatch(
  provider: string,
  dir: string,
  total: number,
  closest: ReturnType<typeof findCassette>['closest'],
  problems: string[],
): GatewayError {
  const show = (v: unknown) => {
    const s = v === undefined ? '(absent)' : JSON.stringify(v);
    return s.length > 200 ? `${s.slice(0, 200)}…` : s;
  };
  let message = `[${provider}] replay: no cassette in ${dir} matches this request`;
  const metadata: Record<string, unknown> = { provider_name: provider, error_type: 'not_found', cassette_dir: dir, cassettes: total };
  if (closest !== undefined) {
    const d = closest.first;
    message += `; closest is ${closest.cassette.file} (${closest.count} difference${closest.count === 1 ? '' : 's'}), first at ${d.field}: recorded ${show(d.recorded)}, got ${show(d.received)}`;
    metadata.closest_cassette = closest.cassette.file;
    metadata.first_difference = { field: d.field, recorded: d.recorded, received: d.received };
  } else if (total === 0) {
    message += ' (the directory holds no cassettes)';
  }
  if (problems.length > 0) metadata.unreadable = problems;
  return new GatewayError(404, message, { metadata, retryable: false });
}

registerUpstreamTransport(REPLAY_PROTOCOL, replayTransport);
