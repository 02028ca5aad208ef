/**
 * What a finished request costs, from its ChatRecord: the upstream's reported token counts priced
 * by the serving endpoint (the same `usage.cost` the client saw), or, when the upstream reported
 * nothing (cancelled, cut off mid-stream), an estimate from the characters sent and received,
 * flagged as such. A request that failed before any endpoint produced anything costs nothing.
 * Also the worst-case cost used to hold credit before a request runs.
 */
import type { Pricing } from '../providers/types.js';
import type { Catalog } from '../router/catalog.js';
import { resultOfError } from '../router/execute.js';
import type { CanonicalRequest } from '../schema/canonical.js';
import type { Usage } from '../schema/types.js';
import type { ChatRecord } from '../server/chat.js';
import { renderUsage } from '../server/render.js';

export interface Cost {
  cost: number;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  outcome: 'ok' | 'cancelled' | 'error';
  model: string | undefined;
  provider: string | undefined;
}

/** ~4 characters per token: the usual rule of thumb for English text and JSON. */
export const estimateTokens = (chars: number) => Math.ceil(chars / 4);

export function promptChars(req: CanonicalRequest): number {
  let n = JSON.stringify(req.messages).length;
  if (req.tools !== undefined) n += JSON.stringify(req.tools).length;
  return n;
}

/**
 * The public usage (cost included) of a request that has no response body (streamed, cancelled,
 * cut off): the usage the upstream reported in the stream, priced as the stream's usage chunk was
 * (that very object when the chunk went out), else an estimate when the upstream got the request
 * and began (or was cut off while) answering, else undefined. Key usage and generation records
 * both read it, so they always agree with each other and with what the client was told.
 */
export function streamUsage(record: ChatRecord): { usage: Usage; estimated: boolean } | undefined {
  const r = record.result ?? resultOfError(record.error);
  if (r?.served === undefined || r.response !== undefined) return undefined;
  const pricing = r.served.endpoint.pricing;
  if (r.stream?.usage !== undefined) return { usage: r.stream.sentUsage ?? renderUsage(r.stream.usage, pricing), estimated: false };
  const reached = r.stream?.started === true || r.cancelled || r.firstTokenAt !== undefined;
  if (!reached || record.request === undefined) return undefined;
  const estimate = { promptTokens: estimateTokens(promptChars(record.request)), completionTokens: estimateTokens(r.stream?.outputChars ?? 0) };
  return { usage: renderUsage(estimate, pricing), estimated: true };
}

export function costOf(record: ChatRecord): Cost {
  const r = record.result;
  const outcome: Cost['outcome'] = r?.cancelled ? 'cancelled' : record.error !== undefined ? 'error' : 'ok';
  const served = r?.served;
  const base = { outcome, model: r?.servedModel ?? served?.model.id ?? record.request?.body.model, provider: served?.provider.name };
  if (r?.response !== undefined) {
    const u = r.response.usage;
    return { ...base, cost: u?.cost ?? 0, promptTokens: u?.prompt_tokens ?? 0, completionTokens: u?.completion_tokens ?? 0, estimated: false };
  }
  const s = streamUsage(record);
  if (s === undefined) return { ...base, cost: 0, promptTokens: 0, completionTokens: 0, estimated: false };
  const u = s.usage;
  return { ...base, cost: u.cost ?? 0, promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, estimated: s.estimated };
}

/** The completion allowance held for a request without max_tokens. */
export const DEFAULT_HOLD_COMPLETION_TOKENS = 4096;

/**
 * The most a request can cost on any endpoint of the models it names: estimated prompt tokens at
 * the dearest prompt price, plus max_tokens (or the endpoint's max completion tokens, or
 * DEFAULT_HOLD_COMPLETION_TOKENS) at the dearest completion price, plus any per-request price.
 */
export function worstCaseCost(req: CanonicalRequest, catalog: Catalog, modelIds: readonly string[]): number {
  const prompt = estimateTokens(promptChars(req)) * 1.2 + 16;
  let worst = 0;
  for (const id of modelIds) {
    const m = catalog.model(id);
    if (m === undefined) continue;
    for (const c of catalog.endpointsOf(m)) {
      const cap = typeof c.endpoint.max_completion_tokens === 'number' ? c.endpoint.max_completion_tokens : DEFAULT_HOLD_COMPLETION_TOKENS;
      const completion = req.maxTokens ?? cap;
      worst = Math.max(worst, priced(c.endpoint.pricing, prompt, completion));
    }
  }
  return worst;
}

function priced(p: Pricing, prompt: number, completion: number): number {
  return prompt * Number(p.prompt) + completion * Number(p.completion) + Number(p.request ?? 0);
}
