/**
 * OpenAI messages → Anthropic `system` + `messages`.
 *
 * - system/developer messages (all, in order) → top-level `system`: a string, or text blocks
 *   when one of them carries cache_control; empty ones are dropped (Anthropic rejects them).
 * - assistant → [thinking blocks from reasoning_details (only when thinking is on), text (not
 *   when whitespace only), tool_use (arguments parsed; not a JSON object → 400 naming the
 *   message and call)].
 * - each role:"tool" message → a tool_result block; consecutive ones, and a user message right
 *   after them, form one user turn with the tool_results first.
 * - consecutive same-role turns are merged (strict alternation); empty turns dropped; a final
 *   assistant turn (prefill) loses trailing whitespace, which Anthropic rejects.
 * - every tool_use must be answered in the next turn, and every tool_result must answer the
 *   turn before: a clear 400 here instead of Anthropic's.
 * - tool-call ids are made to match ^[a-zA-Z0-9_-]+$, the same way on both sides.
 *
 * Given the JSON text of each message's string content (`contentTexts`, from the request's own
 * text), the blocks that carry a client value unchanged are noted with its text in `texts`, for
 * the wire body to splice in (wire.ts); so is a tool call's arguments text, which is the JSON of
 * the tool_use input.
 */
import { badRequest } from '../../schema/errors.js';
import type { AssistantMessage, CacheControl as PublicCacheControl, Message, ToolMessage } from '../../schema/types.js';
import { textOfContent } from '../shared/content.js';
import { parseToolArguments, toolArgumentsObject } from '../shared/tool-arguments.js';
import { mergeSameRoleTurns } from '../shared/turns.js';
import { contentBlocks, withCache } from './content.js';
import { thinkingBlocks } from './reasoning-details.js';
import type { ContentBlock, MessageParam, TextBlock, ToolResultBlock } from './types.js';
import type { ClientTexts } from './wire.js';

export interface ConvertedMessages {
  system?: string | TextBlock[];
  messages: MessageParam[];
  /** Present when contentTexts was given. */
  texts?: ClientTexts;
}

export interface ConvertOptions {
  thinking: boolean;
  /** Per message: the JSON text of its content when that is a string (shared/raw-strings.ts). */
  contentTexts?: readonly (string | undefined)[];
}

/**
 * Where a turn's tool calls and results came from (`messages[3].tool_calls[0]`), for error
 * messages. Kept beside the turns, only for turns that have any, so the turns themselves are the
 * request's messages as they are: no copy at the end. Positions, not paths: a path is written only
 * for an error.
 */
interface Ref {
  /** The Anthropic tool id. */
  id: string;
  msg: number;
  /** The call's index in tool_calls; -1 for a tool result. */
  call: number;
}
interface Origin {
  calls: Ref[];
  results: Ref[];
}
type Origins = Map<MessageParam, Origin>;

function originOf(origins: Origins, t: MessageParam): Origin {
  let o = origins.get(t);
  if (o === undefined) origins.set(t, (o = { calls: [], results: [] }));
  return o;
}

const refPath = (r: Ref) => (r.call < 0 ? `messages[${r.msg}].tool_call_id` : `messages[${r.msg}].tool_calls[${r.call}]`);

const SAFE_ID = /^[a-zA-Z0-9_-]+$/;

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; OpenAI `call_…` ids pass unchanged. */
export function anthropicToolId(id: string): string {
  if (SAFE_ID.test(id)) return id;
  const s = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return s === '' ? 'call_' : s;
}

export function convertMessages(messages: readonly Message[], opts: ConvertOptions): ConvertedMessages {
  const system: TextBlock[] = [];
  let systemCached = false;
  const turns: MessageParam[] = [];
  const origins: Origins = new Map();
  const texts: ClientTexts | undefined = opts.contentTexts === undefined ? undefined : { blocks: new Map() };
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const contentText = opts.contentTexts?.[i];
    switch (m.role) {
      case 'system':
      case 'developer': {
        const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
        for (const p of parts) {
          if (p.type !== 'text' || p.text.trim() === '') continue;
          if (p.cache_control != null) systemCached = true;
          const block = withCache<TextBlock>({ type: 'text', text: p.text }, p.cache_control);
          system.push(block);
          if (contentText !== undefined && typeof m.content === 'string') texts!.blocks.set(block, contentText);
        }
        break;
      }
      case 'user': {
        const content = contentBlocks(m.content, `messages[${i}].content`);
        if (contentText !== undefined && typeof m.content === 'string' && content.length === 1) texts!.blocks.set(content[0]!, contentText);
        turns.push({ role: 'user', content });
        break;
      }
      case 'assistant':
        turns.push(assistantTurn(m, i, opts.thinking, origins, texts, contentText));
        break;
      case 'tool':
        turns.push(toolTurn(m, i, origins, texts, contentText));
        break;
    }
  }
  const merged = mergeSameRoleTurns(
    turns.filter((t) => t.content.length > 0),
    (into, next) => {
      for (const b of next.content) into.content.push(b);
      const o = origins.get(next);
      if (o === undefined) return;
      const target = originOf(origins, into);
      for (const r of o.calls) target.calls.push(r);
      for (const r of o.results) target.results.push(r);
    },
  );
  if (origins.size > 0) {
    for (const t of merged) if (t.role === 'user' && origins.has(t)) toolResultsFirst(t);
    checkToolPairs(merged, origins);
  }
  trimPrefill(merged);
  const out: ConvertedMessages = { messages: merged };
  if (system.length > 0) {
    if (systemCached) out.system = system;
    else {
      out.system = system.length === 1 ? system[0]!.text : system.map((b) => b.text).join('\n\n');
      const joined = texts !== undefined ? joinedText(system, texts) : undefined;
      if (joined !== undefined) texts!.system = joined;
    }
  }
  if (texts !== undefined) out.texts = texts;
  return out;
}

/** The JSON text of the system blocks' texts joined by a blank line, when every one has its text. */
function joinedText(system: readonly TextBlock[], texts: ClientTexts): string | undefined {
  if (system.length === 1) return texts.blocks.get(system[0]!);
  let inner = '';
  for (let k = 0; k < system.length; k++) {
    const t = texts.blocks.get(system[k]!);
    if (t === undefined) return undefined;
    inner += (k === 0 ? '' : '\\n\\n') + t.slice(1, -1);
  }
  return `"${inner}"`;
}

function assistantTurn(m: AssistantMessage, msg: number, thinking: boolean, origins: Origins, texts: ClientTexts | undefined, contentText: string | undefined): MessageParam {
  const content: ContentBlock[] = thinking ? thinkingBlocks(m.reasoning_details) : [];
  const t: MessageParam = { role: 'assistant', content };
  const text = textOfContent(m.content);
  // models often put "\n\n" before a tool call; Anthropic rejects whitespace-only text blocks
  if (text.trim() !== '') {
    const block: TextBlock = { type: 'text', text };
    content.push(block);
    if (contentText !== undefined && typeof m.content === 'string') texts!.blocks.set(block, contentText);
  }
  const calls = m.tool_calls ?? [];
  for (let j = 0; j < calls.length; j++) {
    const tc = calls[j]!;
    const id = anthropicToolId(tc.id);
    const args = tc.function.arguments;
    const parsed = parseToolArguments(args);
    const input = parsed.ok ? parsed.value : toolArgumentsObject(args, `messages[${msg}].tool_calls[${j}].function.arguments`, tc.id); // the latter throws the 400
    const block: ContentBlock = { type: 'tool_use', id, name: tc.function.name, input };
    content.push(block);
    originOf(origins, t).calls.push({ id, msg, call: j });
    if (texts !== undefined && typeof args === 'string') {
      // parsed as it stood (not double-encoded, not empty): the arguments are the input's JSON
      const json = args.trim();
      if (json.charCodeAt(0) === 123 /* { */) texts.blocks.set(block, json);
    }
  }
  cacheLast(content, m.cache_control);
  return t;
}

function toolTurn(m: ToolMessage, msg: number, origins: Origins, texts: ClientTexts | undefined, contentText: string | undefined): MessageParam {
  const id = anthropicToolId(m.tool_call_id);
  const block: ToolResultBlock = { type: 'tool_result', tool_use_id: id };
  if (typeof m.content === 'string') {
    block.content = m.content;
    if (contentText !== undefined) texts!.blocks.set(block, contentText);
  } else {
    const blocks = contentBlocks(m.content, `messages[${msg}].content`);
    block.content = blocks.length > 0 ? blocks : '';
  }
  withCache(block, m.cache_control);
  const t: MessageParam = { role: 'user', content: [block] };
  originOf(origins, t).results.push({ id, msg, call: -1 });
  return t;
}

/** Message-level cache_control marks the message's last block. */
function cacheLast(content: ContentBlock[], cc: PublicCacheControl | undefined): void {
  if (cc == null) return;
  const last = content[content.length - 1];
  if (last !== undefined && last.type !== 'thinking' && last.type !== 'redacted_thinking') withCache(last, cc);
}

/** Anthropic wants the tool_result blocks at the start of a user turn. */
function toolResultsFirst(t: MessageParam): void {
  let seenOther = false;
  for (const b of t.content) {
    if (b.type !== 'tool_result') seenOther = true;
    else if (seenOther) {
      t.content = [...t.content.filter((x) => x.type === 'tool_result'), ...t.content.filter((x) => x.type !== 'tool_result')];
      return;
    }
  }
}

function checkToolPairs(turns: MessageParam[], origins: Origins): void {
  for (let i = 0; i < turns.length; i++) {
    const t = origins.get(turns[i]!);
    if (t === undefined) continue;
    if (t.calls.length > 0) {
      const next = turns[i + 1];
      if (next === undefined) continue; // the model is continuing this turn
      const answered = idIndex(origins.get(next)?.results);
      for (const r of distinct(t.calls)) {
        if (!hasId(answered, r.id))
          throw badRequest(`${refPath(r)}: tool call "${r.id}" has no tool result; send a role:"tool" message with its tool_call_id right after the assistant message (Anthropic requires every tool_use to be answered in the next turn)`);
      }
    }
    if (t.results.length > 0) {
      const asked = idIndex(i > 0 ? origins.get(turns[i - 1]!)?.calls : undefined);
      for (const r of distinct(t.results)) {
        if (!hasId(asked, r.id))
          throw badRequest(`${refPath(r)}: "${r.id}" answers a tool call that is not in the assistant message right before it (Anthropic requires tool results to follow their tool calls directly)`);
      }
    }
  }
}

/** One ref per id, in the order ids first appear, each the id's last ref (what a Map by id would hold). */
function distinct(refs: Ref[]): Iterable<Ref> {
  if (refs.length === 1) return refs;
  const byId = new Map<string, Ref>();
  for (const r of refs) byId.set(r.id, r);
  return byId.values();
}

type IdIndex = readonly Ref[] | ReadonlySet<string> | undefined;

/** The ids of refs for membership tests: the refs themselves when few, a Set for long lists (hundreds of parallel calls). */
function idIndex(refs: Ref[] | undefined): IdIndex {
  return refs !== undefined && refs.length > 16 ? new Set(refs.map((r) => r.id)) : refs;
}

function hasId(index: IdIndex, id: string): boolean {
  if (index === undefined) return false;
  if (!Array.isArray(index)) return (index as ReadonlySet<string>).has(id);
  for (const r of index as readonly Ref[]) if (r.id === id) return true;
  return false;
}

/** A final assistant turn is a prefill: Anthropic rejects trailing whitespace in it. */
function trimPrefill(turns: MessageParam[]): void {
  const last = turns[turns.length - 1];
  if (last?.role !== 'assistant') return;
  const b = last.content[last.content.length - 1];
  if (b?.type !== 'text') return;
  const trimmed = b.text.trimEnd();
  if (trimmed === b.text) return;
  if (trimmed === '') last.content.pop();
  else last.content[last.content.length - 1] = { ...b, text: trimmed };
  if (last.content.length === 0) turns.pop();
}
