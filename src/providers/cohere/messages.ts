/**
 * OpenAI-shape messages → Cohere v2 chat messages. Tool results become `document` content (a
 * JSON object is one document, a JSON array of objects one document each, anything else one
 * document `{text}`), which Cohere grounds and cites. The reasoning of an assistant turn that
 * called tools goes back as its `tool_plan`.
 */
import { badRequest } from '../../schema/errors.js';
import type { AssistantMessage, ContentPart, Message } from '../../schema/types.js';
import { textOfContent } from '../shared/content.js';
import { tryJson } from '../shared/errors.js';

export type CohereMessage = Record<string, unknown> & { role: string };
export type ToolContent = { type: 'document'; document: { data: Record<string, unknown> } };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function toolResultDocuments(text: string): ToolContent[] {
  const parsed = tryJson(text);
  if (isObject(parsed)) return [{ type: 'document', document: { data: parsed } }];
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isObject)) return parsed.map((data) => ({ type: 'document', document: { data } }));
  return [{ type: 'document', document: { data: { text } } }];
}

export function convertMessages(messages: readonly Message[]): CohereMessage[] {
  return messages.map(convertMessage).filter(notEmptyAssistant);
}

/** Cohere refuses an assistant turn with neither content nor tool calls; such a turn says nothing. */
const notEmptyAssistant = (m: CohereMessage) => m.role !== 'assistant' || m.content !== undefined || m.tool_calls !== undefined;

function convertMessage(m: Message, i: number): CohereMessage {
  const path = `messages[${i}]`;
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOfContent(m.content, '\n') };
    case 'user':
      return { role: 'user', content: typeof m.content === 'string' ? m.content : m.content.map((p, j) => userPart(p, `${path}.content[${j}]`)) };
    case 'assistant':
      return assistant(m);
    case 'tool':
      return { role: 'tool', tool_call_id: m.tool_call_id, content: toolResultDocuments(textOfContent(m.content, '\n')) };
    default:
      throw badRequest(`${path}.role: "${(m as { role: string }).role}" is not supported by Cohere`);
  }
}

function userPart(p: ContentPart, path: string): Record<string, unknown> {
  if (p.type === 'text') return { type: 'text', text: p.text };
  if (p.type === 'image_url') return { type: 'image_url', image_url: { url: p.image_url.url } };
  throw badRequest(`${path}.type: "${p.type}" is not supported by Cohere (text and image_url are)`);
}

function assistant(m: AssistantMessage): CohereMessage {
  const msg: CohereMessage = { role: 'assistant' };
  const text = textOfContent(m.content ?? null);
  if (text !== '') msg.content = text;
  if (m.tool_calls !== undefined && m.tool_calls.length > 0) {
    const plan = reasoningText(m);
    if (plan !== '') msg.tool_plan = plan;
    msg.tool_calls = m.tool_calls.map((tc) => ({ id: tc.id, type: 'function', function: { name: tc.function.name, arguments: tc.function.arguments || '{}' } }));
  }
  return msg;
}

/** The turn's reasoning: reasoning_details text of no particular provider, else `reasoning`. */
function reasoningText(m: AssistantMessage): string {
  let text = '';
  for (const d of m.reasoning_details ?? []) {
    if (d != null && d.type === 'reasoning.text' && (d.format == null || d.format === 'unknown')) text += d.text ?? '';
  }
  return text !== '' ? text : typeof m.reasoning === 'string' ? m.reasoning : '';
}
