import type { GatewayError } from '../../schema/errors.js';
import { errorTypeFor, tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';

/** Ollama error bodies are `{"error":"<string>"}` with the HTTP status (404 unknown model, 400, 500). */
export function parseOllamaError(status: number, headers: Record<string, string | string[] | undefined>, body: string, ctx: AdapterContext): GatewayError {
  const parsed = tryJson(body) as { error?: unknown } | undefined;
  const e = parsed?.error;
  const message =
    typeof e === 'string' ? e : typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : body.trim() === '' ? `upstream returned HTTP ${status}` : body.slice(0, 500);
  return upstreamError(ctx.provider.name, status, message, body, headers, { errorType: errorTypeFor(status) });
}
