/**
 * Groq answers a model's malformed tool JSON with a 400 `tool_use_failed` (and the
 * `failed_generation`): not the client's fault, so it is reported as a retryable upstream failure
 * (502) and the router may try another endpoint.
 */
import { GatewayError } from '../../schema/errors.js';
import { tryJson } from '../shared/errors.js';
import { parseOpenAIError } from '../openai/errors.js';
import type { ErrorParser } from './define.js';

export const parseGroqError: ErrorParser = (status, headers, body, ctx) => {
  const e = parseOpenAIError(status, headers, body, ctx);
  const code = (tryJson(body) as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (status !== 400 || code !== 'tool_use_failed') return e;
  return new GatewayError(502, e.message, { metadata: { ...e.metadata, error_type: 'provider_unavailable' }, retryable: true });
};
