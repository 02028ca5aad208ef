/**
 * Gemini `finishReason` → canonical. STOP is also what Gemini says after function calls, so
 * "stop with calls" becomes tool_calls. The function-calling failures are errors with a message
 * that says what happened, not a silent stop.
 */
import { GatewayError } from '../../schema/errors.js';
import type { FinishReason } from '../../schema/types.js';
import { lookupTable } from '../shared/lookup-table.js';

const TABLE: Readonly<Record<string, FinishReason>> = lookupTable({
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  LANGUAGE: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
  OTHER: 'stop',
  FINISH_REASON_UNSPECIFIED: 'stop',
  NO_IMAGE: 'stop',
  IMAGE_OTHER: 'stop',
});

const ERROR_TEXT: Readonly<Record<string, string>> = lookupTable({
  MALFORMED_FUNCTION_CALL: 'the model produced a malformed function call',
  UNEXPECTED_TOOL_CALL: 'the model called a tool that is not available (tool_choice none, or not declared)',
  TOO_MANY_TOOL_CALLS: 'the model made more tool calls than Gemini allows in one turn',
});

export function mapFinishReason(native: string | null | undefined, sawToolCalls: boolean): FinishReason {
  const reason = native == null ? 'stop' : TABLE[native] ?? 'stop';
  return reason === 'stop' && sawToolCalls ? 'tool_calls' : reason;
}

/** The error for a finish reason that means the generation failed; undefined for the others. */
export function finishError(native: string | null | undefined, finishMessage: string | undefined, providerName: string): GatewayError | undefined {
  if (native == null || TABLE[native] !== 'error') return undefined;
  const what = ERROR_TEXT[native] ?? native;
  const detail = finishMessage ? `: ${finishMessage}` : '';
  return new GatewayError(502, `[${providerName}] Gemini stopped with ${native}: ${what}${detail}`, {
    metadata: { provider_name: providerName, native_finish_reason: native, error_type: 'provider_unavailable' },
    retryable: true,
  });
}
