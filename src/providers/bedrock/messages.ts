/**
 * OpenAI-shape messages → Converse `system` + strictly alternating `messages`:
 * system/developer → `system[]`; assistant reasoning_details → reasoningContent blocks (before
 * text and toolUse); tool messages → toolResult blocks in a user turn; consecutive same-role turns
 * merged (tool results and the user text after them end up in one user turn); blank text dropped.
 * With `caching` (models with prompt caching), OpenRouter `cache_control` marks become cachePoint
 * blocks right after the part or message that carried them.
 */
import { badRequest } from '../../schema/errors.js';
import type { AssistantMessage, CacheControl, ContentPart, Message as PublicMessage, ReasoningDetail } from '../../schema/types.js';
import { parseDataUrl, textOfContent } from '../shared/content.js';
import { toolArgumentsObject } from '../shared/tool-arguments.js';
import { mergeSameRoleTurns } from '../shared/turns.js';
import { thinkingBlocks } from '../anthropic/reasoning-details.js';
import type { CachePoint, ContentBlock, Message, ReasoningContent } from './types.js';

export interface ConvertedMessages {
  system: ({ text: string } | CachePoint)[];
  messages: Message[];
  /** Tool names used in the history (toolConfig must exist when any toolUse/toolResult is sent). */
  historyToolNames: string[];
}

const IMAGE_FORMATS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };
const DOC_FORMATS: Record<string, string> = { 'application/pdf': 'pdf', 'text/csv': 'csv', 'text/plain': 'txt', 'text/html': 'html', 'text/markdown': 'md' };

export function cachePoint(cc: CacheControl | null | undefined): CachePoint[] {
  if (cc == null) return [];
  return [{ cachePoint: cc.ttl === undefined ? { type: 'default' } : { type: 'default', ttl: cc.ttl } }];
}

/**
 * `caching`: emit cachePoint blocks for cache_control marks. `toolId`: how a client tool-call id is
 * sent (Mistral models need 9 alphanumerics; identity for the rest).
 */
export function convertMessages(messages: readonly PublicMessage[], caching = false, toolId: (id: string) => string = (id) => id): ConvertedMessages {
  const system: ConvertedMessages['system'] = [];
  const cache = (cc: CacheControl | null | undefined) => (caching ? cachePoint(cc) : []);
  const turns: Message[] = [];
  const historyToolNames = new Set<string>();
  messages.forEach((m, i) => {
    const path = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOfContent(m.content, '\n');
        // the system prompt is one block, so a mark on any of its parts caches all of it
        const marked = typeof m.content === 'string' ? undefined : m.content.find((p) => p.cache_control)?.cache_control;
        if (text.trim() !== '') system.push({ text }, ...cache(marked));
        return;
      }
      case 'user':
        turns.push({ role: 'user', content: userBlocks(m.content, path, cache) });
        return;
      case 'assistant': {
        const content = assistantBlocks(m, path, toolId);
        for (const b of content) if ('toolUse' in b) historyToolNames.add(b.toolUse.name);
        if (content.length > 0) turns.push({ role: 'assistant', content: [...content, ...cache(m.cache_control)] });
        return;
      }
      case 'tool': {
        const text = textOfContent(m.content, '\n');
        turns.push({ role: 'user', content: [{ toolResult: { toolUseId: toolId(m.tool_call_id), content: [text === '' ? { json: {} } : { text }] } }, ...cache(m.cache_control)] });
        return;
      }
      default:
        throw badRequest(`${path}.role: "${(m as { role: string }).role}" is not supported by Bedrock`);
    }
  });
  const merged = mergeSameRoleTurns(turns, (into, next) => into.content.push(...next.content)).filter((t) => t.content.length > 0);
  return { system, messages: merged, historyToolNames: [...historyToolNames] };
}

function userBlocks(content: string | ContentPart[], path: string, cache: (cc: CacheControl | undefined) => CachePoint[]): ContentBlock[] {
  if (typeof content === 'string') return content.trim() === '' ? [] : [{ text: content }];
  const out: ContentBlock[] = [];
  content.forEach((p, j) => {
    const at = `${path}.content[${j}]`;
    const before = out.length;
    if (p.type === 'text') {
      if (p.text.trim() !== '') out.push({ text: p.text });
    } else if (p.type === 'image_url') {
      const d = parseDataUrl(p.image_url.url);
      const format = d && IMAGE_FORMATS[d.mediaType];
      if (d === undefined || format === undefined) throw badRequest(`${at}.image_url.url: Bedrock takes only inline images (data: URLs of png, jpeg, gif or webp)`);
      out.push({ image: { format, source: { bytes: d.data } } });
    } else if (p.type === 'file') {
      const d = p.file.file_data === undefined ? undefined : parseDataUrl(p.file.file_data);
      const format = d && DOC_FORMATS[d.mediaType];
      if (d === undefined || format === undefined) throw badRequest(`${at}.file.file_data: Bedrock takes inline documents (data: URLs of pdf, csv, txt, html or md)`);
      out.push({ document: { format, name: documentName(p.file.filename, j), source: { bytes: d.data } } });
    } else {
      throw badRequest(`${at}.type: "${p.type}" is not supported by Bedrock`);
    }
    if (out.length > before && 'cache_control' in p) out.push(...cache(p.cache_control));
  });
  return out;
}

/** Bedrock document names allow letters, digits, single spaces, hyphens, parentheses and brackets. */
function documentName(filename: string | undefined, j: number): string {
  const base = (filename ?? '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9 ()[\]-]/g, ' ').replace(/\s+/g, ' ').trim();
  return base === '' ? `document ${j + 1}` : base;
}

function assistantBlocks(m: AssistantMessage, path: string, toolId: (id: string) => string): ContentBlock[] {
  const out: ContentBlock[] = reasoningBlocks(m.reasoning_details).map((reasoningContent) => ({ reasoningContent }));
  const text = textOfContent(m.content ?? null);
  if (text.trim() !== '') out.push({ text: text.replace(/\s+$/, '') });
  (m.tool_calls ?? []).forEach((tc, k) => {
    const input = toolArgumentsObject(tc.function.arguments, `${path}.tool_calls[${k}].function.arguments`, tc.id);
    out.push({ toolUse: { toolUseId: toolId(tc.id), name: tc.function.name, input } });
  });
  return out;
}

/** reasoning_details to send back: Anthropic's rules (Claude's format; unsigned text dropped), in Converse blocks. */
export function reasoningBlocks(details: readonly ReasoningDetail[] | null | undefined): ReasoningContent[] {
  return thinkingBlocks(details).map((b) => (b.type === 'thinking' ? { reasoningText: { text: b.thinking, signature: b.signature } } : { redactedContent: b.data }));
}
