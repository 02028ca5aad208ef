/**
 * OpenRouter itself as an upstream: it speaks the same dialect Switchyard serves, so what the
 * OpenAI builder strips for OpenAI goes through untouched: the `reasoning` object (and the legacy
 * reasoning_effort / include_reasoning as the client sent them), `reasoning` and
 * `reasoning_details` on assistant history messages (signatures included), and the client's
 * `provider` routing preferences. Its answers' reasoning_details are kept as they come.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';

const PASS = ['reasoning', 'reasoning_effort', 'include_reasoning', 'provider'] as const;

export function patchOpenRouter(body: Record<string, unknown>, req: CanonicalRequest): void {
  const src = req.body as Record<string, unknown>;
  delete body.reasoning_effort;
  for (const k of PASS) if (src[k] != null) body[k] = src[k];
  // a copy: the builder may hand back the request's own array, which is never mutated
  const out = [...(body.messages as Record<string, unknown>[])];
  body.messages = out;
  req.messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    if (m.reasoning == null && m.reasoning_details === undefined) return;
    const copy: Record<string, unknown> = { ...out[i] };
    if (m.reasoning != null) copy.reasoning = m.reasoning;
    if (m.reasoning_details !== undefined) copy.reasoning_details = m.reasoning_details;
    out[i] = copy;
  });
}
