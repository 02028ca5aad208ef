/**
 * `type: replay`: the native adapter of `format:` (openai, anthropic, gemini, …) with the
 * cassette directory `dir:` as its transport instead of the network. Requests are built, and
 * responses and streams parsed, by exactly the code that serves live traffic; only the bytes
 * come from the recorded files (see transport.ts, cassette.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import { GatewayError } from '../../schema/errors.js';
import type { AdapterContext, ProviderAdapter, ProviderConfig } from '../types.js';
import { DIR_HEADER, REPLAY_PROTOCOL } from './transport.js';

export const REPLAY_TYPE = 'replay';

function formatOf(p: ProviderConfig): string {
  return typeof p.format === 'string' ? p.format : 'openai';
}

/** The adapter registry, handed in by src/providers/index.ts (no import cycle). */
export type Registry = () => ReadonlyMap<string, ProviderAdapter>;

function nativeOf(registry: Registry, p: ProviderConfig): ProviderAdapter {
  const a = registry().get(formatOf(p));
  if (a === undefined || a.type === REPLAY_TYPE) {
    throw new GatewayError(500, `[${p.name}] replay format "${formatOf(p)}" has no adapter`, { retryable: false });
  }
  return a;
}

/** The cassette directory, absolute (relative paths are relative to the working directory). */
export function replayDir(p: ProviderConfig): string {
  const dir = String(p.dir ?? '');
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}

/** The context the native adapter sees: its own type, and a `replay:` base URL. */
function nativeCtx(ctx: AdapterContext): AdapterContext {
  const p = ctx.provider;
  return { ...ctx, provider: { ...p, type: formatOf(p), base_url: `${REPLAY_PROTOCOL}//${encodeURIComponent(p.name).toLowerCase()}` } };
}

export function createReplayAdapter(registry: Registry): ProviderAdapter {
  return {
    type: REPLAY_TYPE,
    defaultBaseUrl: `${REPLAY_PROTOCOL}//cassettes`,
    /** Everything any native adapter takes: the native one drops what it cannot send. */
    get supportedParameters(): readonly string[] {
      const all = new Set<string>();
      for (const a of registry().values()) if (a.type !== REPLAY_TYPE) for (const p of a.supportedParameters) all.add(p);
      return [...all];
    },
    validateConfig(p) {
      const problems: string[] = [];
      if (typeof p.dir !== 'string' || p.dir === '') problems.push('dir: required (the directory of recorded cassettes)');
      const native = registry().get(formatOf(p));
      if (native === undefined || native.type === REPLAY_TYPE) {
        const known = [...registry().keys()].filter((k) => k !== REPLAY_TYPE).join(', ');
        problems.push(`format: unknown wire format "${formatOf(p)}" (one of ${known})`);
      }
      return problems;
    },
    buildRequest(req, ctx) {
      const r = nativeOf(registry, ctx.provider).buildRequest(req, nativeCtx(ctx));
      return { ...r, headers: { ...r.headers, [DIR_HEADER]: replayDir(ctx.provider) } };
    },
    parseResponse: (body, ctx) => nativeOf(registry, ctx.provider).parseResponse(body, nativeCtx(ctx)),
    createStreamParser: (ctx, emit) => nativeOf(registry, ctx.provider).createStreamParser(nativeCtx(ctx), emit),
    parseError: (status, headers, body, ctx) => nativeOf(registry, ctx.provider).parseError(status, headers, body, nativeCtx(ctx)),
  };
}
