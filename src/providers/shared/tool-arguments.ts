/**
 * Tool-call arguments arrive as JSON strings (OpenAI shape); most native APIs (Anthropic, Gemini,
 * Bedrock, Ollama) want an object. A tolerant parser: empty or missing arguments and `null` are
 * `{}`, a double-encoded object string is unwrapped; anything else that is not a JSON object is
 * reported, so the adapter can answer with a 400 that names the message and the call.
 */
import { badRequest, type GatewayError } from '../../schema/errors.js';

export type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseToolArguments(args: string | null | undefined): ParsedArguments {
  if (args == null) return { ok: true, value: {} };
  let text = args.trim();
  if (text === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not valid JSON (${(e as Error).message})` };
  }
  // some clients send the arguments JSON-encoded twice: "\"{\\\"a\\\":1}\""
  if (typeof value === 'string') {
    text = value.trim();
    if (text === '') return { ok: true, value: {} };
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'a JSON string, not a JSON object' };
    }
  }
  if (value === null) return { ok: true, value: {} };
  if (!isObject(value)) return { ok: false, reason: `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not a JSON object` };
  return { ok: true, value };
}

/** parseToolArguments, or a 400 naming where the arguments were (`messages[2].tool_calls[0].function.arguments`). */
export function toolArgumentsObject(args: string | null | undefined, path: string, callId?: string): Record<string, unknown> {
  const parsed = parseToolArguments(args);
  if (parsed.ok) return parsed.value;
  throw invalidArguments(path, parsed.reason, callId);
}

function invalidArguments(path: string, reason: string, callId: string | undefined): GatewayError {
  const call = callId === undefined ? '' : ` (tool call "${callId}")`;
  return badRequest(`${path}${call}: arguments must be a JSON object; got ${reason}`);
}
