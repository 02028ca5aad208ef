/**
 * OpenAI-shape messages → Mistral chat messages: system/developer → system; user text and
 * image parts; assistant content (with signed or unsigned reasoning replayed as a `thinking`
 * chunk before the text) and tool_calls; tool messages with their function `name`. Tool-call ids
 * are rewritten through the request's ToolCallIdMap (ids.ts).
 */
import { badRequest } from '../../schema/errors.js';
import type { AssistantMessage, ContentPart, Message, ReasoningDetail } from '../../schema/types.js';
import { textOfContent } from '../shared/content.js';
import { toolCallIdMap, type ToolCallIdMap } from '../shared/mistral-ids.js';

export type MistralMessage = Record<string, unknown> & { role: string };

export function convertMessages(messages: readonly Message[]): { messages: MistralMessage[]; ids: ToolCallIdMap } {
  const ids = toolCallIdMap(messages);
  const names = new Map<string, string>();
  const out = messages.map((m, i): MistralMessage => {
    const path = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOfContent(m.content, '\n') };
      case 'user':
        return { role: 'user', content: typeof m.content === 'string' ? m.content : m.content.map((p, j) => userPart(p, `${path}.content[${j}]`)) };
      case 'assistant':
        for (const tc of m.tool_calls ?? []) names.set(tc.id, tc.function.name);
        return assistant(m, ids);
      case 'tool': {
        const msg: MistralMessage = { role: 'tool', tool_call_id: ids.outbound(m.tool_call_id), content: textOfContent(m.content, '\n') };
        const name = names.get(m.tool_call_id) ?? m.name;
        if (name !== undefined) msg.name = name;
        return msg;
      }
      default:
        throw badRequest(`${path}.role: "${(m as { role: string }).role}" is not supported by Mistral`);
    }
  });
  // a final assistant message is a prefill: Mistral serves it only when marked as one
  const last = out[out.length - 1];
  if (last?.role === 'assistant' && last.tool_calls === undefined) last.prefix = true;
  return { messages: out, ids };
}

function userPart(p: ContentPart, path: string): Record<string, unknown> {
  if (p.type === 'text') return { type: 'text', text: p.text };
  if (p.type === 'image_url') return { type: 'image_url', image_url: { url: p.image_url.url } };
  throw badRequest(`${path}.type: "${p.type}" is not supported by Mistral (text and image_url are)`);
}

function assistant(m: AssistantMessage, ids: ToolCallIdMap): MistralMessage {
  const text = textOfContent(m.content ?? null);
  const thinking = thinkingChunk(m.reasoning_details);
  const msg: MistralMessage = { role: 'assistant', content: thinking === undefined ? (text === '' ? null : text) : text === '' ? [thinking] : [thinking, { type: 'text', text }] };
  if (m.tool_calls !== undefined && m.tool_calls.length > 0) {
    msg.tool_calls = m.tool_calls.map((tc) => ({ id: ids.outbound(tc.id), type: 'function', function: { name: tc.function.name, arguments: tc.function.arguments || '{}' } }));
  }
  return msg;
}

/** reasoning.text details of no particular provider (or Mistral's) → one thinking chunk. */
function thinkingChunk(details: readonly ReasoningDetail[] | undefined): Record<string, unknown> | undefined {
  let text = '';
  let signature: string | undefined;
  for (const d of details ?? []) {
    if (d == null || d.type !== 'reasoning.text' || (d.format != null && d.format !== 'unknown')) continue;
    text += d.text ?? '';
    if (d.signature) signature = d.signature;
  }
  if (text === '') return undefined;
  const chunk: Record<string, unknown> = { type: 'thinking', thinking: [{ type: 'text', text }] };
  if (signature !== undefined) chunk.signature = signature;
  return chunk;
}
