/**
 * Mistral chat completion → canonical. The wire is OpenAI's with two differences handled here:
 * content may be a list of chunks (thinking → reasoning), and rewritten tool-call ids go back to
 * the client's originals. The rest (tool calls with object or string arguments, model_length,
 * usage) is the OpenAI parser's job.
 */
import type { CanonicalResponse } from '../../schema/canonical.js';
import { parseOpenAIResponse } from '../openai/response.js';
import type { AdapterContext } from '../types.js';
import { splitContent } from './content.js';
import { idsFor } from '../shared/mistral-ids.js';

export function parseMistralResponse(body: unknown, ctx: AdapterContext): CanonicalResponse {
  const b = body as { choices?: { message?: Record<string, unknown> }[] } | null;
  let signature: string | undefined;
  let normalized = body;
  const msg = b?.choices?.[0]?.message;
  if (msg != null && Array.isArray(msg.content)) {
    const split = splitContent(msg.content);
    signature = split.signature;
    normalized = { ...b, choices: [{ ...b!.choices![0], message: { ...msg, content: split.text === '' ? null : split.text, reasoning: split.thinking === '' ? null : split.thinking } }] };
  }
  const res = parseOpenAIResponse(normalized, ctx);
  const ids = idsFor(ctx);
  for (const tc of res.toolCalls) tc.id = ids.inbound(tc.id);
  const detail = res.reasoningDetails?.[0];
  if (signature !== undefined && detail?.type === 'reasoning.text') detail.signature = signature;
  return res;
}
