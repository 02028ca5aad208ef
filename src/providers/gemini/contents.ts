/**
 * OpenAI-shape messages → Gemini `systemInstruction` + `contents`.
 *
 * - system/developer → systemInstruction parts, in order.
 * - user → `user` content; assistant → `model` content: signed thought parts (from
 *   reasoning_details), text, then one functionCall part per tool call (args as an object).
 * - tool → a functionResponse part in a `user` content, with the function NAME recovered from the
 *   earlier call of that id (Gemini matches results by name and order); consecutive same-role
 *   contents are merged, so parallel results land in one turn as Gemini requires.
 * - thoughtSignatures go back on the parts they came on: a reasoning.text detail's signature on
 *   its thought part, a reasoning.encrypted detail with a tool-call id on that functionCall, one
 *   without an id on the text part. Where signatures are required (`requireSignatures`: thinking
 *   on, or a Gemini 3 model), a current-turn call that lost its signature (the client dropped
 *   reasoning_details) gets Gemini's documented "skip" value instead of a 400.
 */
import { badRequest } from '../../schema/errors.js';
import type { AssistantMessage, ContentPart, Message, ReasoningDetail, ToolMessage } from '../../schema/types.js';
import { parseDataUrl, textOfContent } from '../shared/content.js';
import { parseToolArguments } from '../shared/tool-arguments.js';
import { mergeSameRoleTurns } from '../shared/turns.js';
import { GEMINI_FORMAT, type GeminiContent, type GeminiPart, type GeminiRequestBody } from './types.js';

/** Gemini's documented value for a function call whose signature was lost. */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

export function buildContents(messages: readonly Message[], opts: { requireSignatures?: boolean } = {}): Pick<GeminiRequestBody, 'contents' | 'systemInstruction'> {
  const system: { text: string }[] = [];
  const turns: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  const currentTurnStart = lastIndexOf(messages, (m) => m.role === 'user') + 1;

  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOfContent(m.content, '\n');
        if (text !== '') system.push({ text });
        return;
      }
      case 'user': {
        const parts = userParts(m.content, `messages[${i}].content`);
        if (parts.length > 0) turns.push({ role: 'user', parts });
        return;
      }
      case 'assistant': {
        for (const tc of m.tool_calls ?? []) callNames.set(tc.id, tc.function.name);
        const parts = modelParts(m, opts.requireSignatures === true && i >= currentTurnStart);
        if (parts.length > 0) turns.push({ role: 'model', parts });
        return;
      }
      case 'tool':
        turns.push({ role: 'user', parts: [functionResponse(m, callNames, i)] });
        return;
    }
  });

  const contents = mergeSameRoleTurns(turns, (into, next) => void into.parts.push(...next.parts));
  contents.forEach((c, i) => {
    if (i > 0 && c.role === 'user') inCallOrder(c, contents[i - 1]!);
  });
  if (contents.length === 0) throw badRequest('messages: Gemini needs at least one user or assistant message besides the system prompt');
  const out: Pick<GeminiRequestBody, 'contents' | 'systemInstruction'> = { contents };
  if (system.length > 0) out.systemInstruction = { parts: system };
  return out;
}

function modelParts(m: AssistantMessage, fillMissing: boolean): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const details = (m.reasoning_details ?? []).filter((d) => d?.format === GEMINI_FORMAT);
  for (const t of signedThoughts(details)) parts.push({ text: t.text, thought: true, thoughtSignature: t.signature });

  const byCall = new Map<string, string>();
  const loose: string[] = [];
  for (const d of details) {
    if (d.type !== 'reasoning.encrypted' || typeof d.data !== 'string' || d.data === '') continue;
    if (d.id) byCall.set(d.id, d.data);
    else loose.push(d.data);
  }

  const text = textOfContent(m.content);
  if (text !== '') {
    const part: GeminiPart = { text };
    const sig = loose.shift();
    if (sig !== undefined) part.thoughtSignature = sig;
    parts.push(part);
  }
  const calls: GeminiPart[] = (m.tool_calls ?? []).map((tc) => {
    const parsed = parseToolArguments(tc.function.arguments);
    // Gemini takes any object; model-made arguments that are not JSON still go back as history
    const args = parsed.ok ? parsed.value : { _raw: tc.function.arguments };
    const part: GeminiPart = { functionCall: { id: tc.id, name: tc.function.name, args } };
    const sig = byCall.get(tc.id);
    if (sig !== undefined) part.thoughtSignature = sig;
    return part;
  });
  const first = calls[0];
  if (first !== undefined && !calls.some((c) => c.thoughtSignature !== undefined)) {
    const sig = loose.shift() ?? (fillMissing ? SKIP_SIGNATURE : undefined);
    if (sig !== undefined) first.thoughtSignature = sig;
  }
  parts.push(...calls);
  return parts;
}

/**
 * reasoning.text details that carry a signature, with streamed fragments of one thought (same
 * index, in a row) joined back together. Unsigned thought summaries are not sent back: Gemini
 * does not need them and they carry nothing it can check.
 */
function signedThoughts(details: readonly ReasoningDetail[]): { text: string; signature: string }[] {
  const groups: { index: number | undefined; text: string; signature: string | undefined }[] = [];
  for (const d of details) {
    if (d.type !== 'reasoning.text') continue;
    const last = groups[groups.length - 1];
    if (last !== undefined && last.index === d.index && last.signature === undefined) {
      last.text += d.text ?? '';
      last.signature = d.signature ?? undefined;
    } else {
      groups.push({ index: d.index, text: d.text ?? '', signature: d.signature ?? undefined });
    }
  }
  return groups.filter((g): g is { index: number | undefined; text: string; signature: string } => typeof g.signature === 'string' && g.signature !== '');
}

function functionResponse(m: ToolMessage, callNames: Map<string, string>, i: number): GeminiPart {
  const name = callNames.get(m.tool_call_id);
  if (name === undefined) throw badRequest(`messages[${i}].tool_call_id: "${m.tool_call_id}" matches no tool call of an earlier assistant message`);
  return { functionResponse: { id: m.tool_call_id, name, response: toolResult(textOfContent(m.content, '\n')) } };
}

/**
 * Gemini pairs results with calls by name and position: the function responses of a turn are put
 * in the order of the calls they answer (clients may send results in any order), other parts after.
 */
function inCallOrder(turn: GeminiContent, prev: GeminiContent): void {
  if (prev.role !== 'model') return;
  const order = new Map<string, number>();
  prev.parts.forEach((p, k) => {
    if (p.functionCall?.id !== undefined) order.set(p.functionCall.id, k);
  });
  const rank = (p: GeminiPart) => (p.functionResponse === undefined ? Infinity : order.get(p.functionResponse.id ?? '') ?? Infinity);
  turn.parts = turn.parts.map((p, k) => ({ p, k })).sort((a, b) => rank(a.p) - rank(b.p) || a.k - b.k).map((x) => x.p);
}

/**
 * Gemini wants the result as an object: a JSON object goes as it is; anything else is wrapped as
 * `{output}` (the key Gemini documents). JSON that holds `$ref`/`$defs` keys goes as a string,
 * because Gemini tries to resolve them and fails.
 */
export function toolResult(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { output: text };
  }
  if (/"\$(ref|defs)"\s*:/.test(text)) return { output: text };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return { output: value };
}

function userParts(content: string | ContentPart[], path: string): GeminiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiPart[] = [];
  content.forEach((p, k) => {
    const part = mediaPart(p, `${path}[${k}]`);
    if (part !== undefined) parts.push(part);
  });
  return parts;
}

const EXT_MIME: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic',
  pdf: 'application/pdf', mp3: 'audio/mp3', wav: 'audio/wav', mp4: 'video/mp4', webm: 'video/webm', mov: 'video/mov',
};

function mimeOf(url: string, fallback: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  return (ext !== undefined ? EXT_MIME[ext] : undefined) ?? fallback;
}

function mediaPart(p: ContentPart, path: string): GeminiPart | undefined {
  switch (p.type) {
    case 'text':
      return p.text === '' ? undefined : { text: p.text };
    case 'image_url': {
      const data = parseDataUrl(p.image_url.url);
      return data !== undefined ? { inlineData: { mimeType: data.mediaType, data: data.data } } : { fileData: { mimeType: mimeOf(p.image_url.url, 'image/jpeg'), fileUri: p.image_url.url } };
    }
    case 'file': {
      const data = p.file.file_data !== undefined ? parseDataUrl(p.file.file_data) : undefined;
      if (data !== undefined) return { inlineData: { mimeType: data.mediaType, data: data.data } };
      if (p.file.file_id !== undefined) return { fileData: { mimeType: mimeOf(p.file.filename ?? p.file.file_id, 'application/pdf'), fileUri: p.file.file_id } };
      throw badRequest(`${path}.file: needs file_data as a base64 data: URL, or a file_id`);
    }
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${p.input_audio.format}`, data: p.input_audio.data } };
    case 'video_url':
    case 'input_video':
      return { fileData: { mimeType: mimeOf(p.video_url.url, 'video/mp4'), fileUri: p.video_url.url } };
  }
}

function lastIndexOf<T>(list: readonly T[], pred: (x: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i]!)) return i;
  return -1;
}
