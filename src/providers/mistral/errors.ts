/**
 * Mistral errors → gateway errors. Bodies: `{object:'error', message, type, param, code}`
 * (message may itself be `{detail:[…]}`), FastAPI-style `{detail:[{loc, msg, type}]}` for 422
 * schema errors, or `{message}`. Rewritten tool-call ids in the text go back to the client's.
 */
import type { GatewayError } from '../../schema/errors.js';
import { errorTypeFor, tryJson, upstreamError } from '../shared/errors.js';
import type { AdapterContext } from '../types.js';
import { idsFor } from '../shared/mistral-ids.js';

interface Detail {
  loc?: (string | number)[];
  msg?: string;
}

function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return undefined;
  return (detail as Detail[]).map((d) => `${(d.loc ?? []).filter((x) => x !== 'body').join('.')}: ${d.msg ?? 'invalid'}`).join('; ');
}

export function errorMessage(status: number, body: string): string {
  const parsed = tryJson(body) as { message?: unknown; detail?: unknown; error?: { message?: string } } | undefined;
  const m = parsed?.message;
  const text =
    typeof m === 'string' ? m
      : (m !== null && typeof m === 'object' ? detailText((m as { detail?: unknown }).detail) : undefined)
        ?? detailText(parsed?.detail)
        ?? parsed?.error?.message;
  return text ?? (body.trim() === '' ? `upstream returned HTTP ${status}` : body.slice(0, 500));
}

export function parseMistralError(status: number, headers: Record<string, string | string[] | undefined>, body: string, ctx: AdapterContext): GatewayError {
  return upstreamError(ctx.provider.name, status, idsFor(ctx).restoreText(errorMessage(status, body)), body, headers, { errorType: errorTypeFor(status) });
}
