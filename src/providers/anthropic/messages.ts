/**
 * OpenAI messages → Anthropic `system` + `messages`.
 *
 * - system/developer messages (all, in order) → top-level `system`: a string, or text blocks
 *   when one of them carries cache_control; empty ones are dropped (Anthropic rejects them).
 * - assistant → [thinking blocks from reasoning_details (only when thinking is on), text,
 *   tool_use (arguments parsed; not a JSON object → 400 naming the message and call)].
 * - each role:"tool" message → a tool_result block; consecutive ones, and a user message right
 *   after them, form one user turn with the tool_results first.
 * - consecutive same-role turns are merged (strict alternation); empty turns dropped; a final
 *   assistant turn (prefill) loses trailing whitespace, which Anthropic rejects.
 * - every tool_use must be answered in the next turn, and every tool_result must answer the
 *   turn before: a clear 400 here instead of Anthropic's.
 * - tool-call ids are made to match ^[a-zA-Z0-9_-]+$, the same way on both sides.
 */
import { badRequest } from '../../schema/errors.js';
import type { AssistantMessage, CacheControl as PublicCacheControl, Message, ToolMessage } from '../../schema/types.js';
import { textOfContent } from '../shared/content.js';
import { toolArgumentsObject } from '../shared/tool-arguments.js';
import { mergeSameRoleTurns } from '../shared/turns.js';
import { contentBlocks, withCache } from './content.js';
import { thinkingBlocks } from './reasoning-details.js';
import type { ContentBlock, MessageParam, TextBlock, ToolResultBlock } from './types.js';

export interface ConvertedMessages {
  system?: string | TextBlock[];
  messages: MessageParam[];
}

/** A turn being built, with where its tool calls / results came from (for error messages). */
interface Turn extends MessageParam {
  calls: Map<string, string>;
  results: Map<string, string>;
}

const SAFE_ID = /^[a-zA-Z0-9_-]+$/;

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; OpenAI `call_…` ids pass unchanged. */
export function anthropicToolId(id: string): string {
  if (SAFE_ID.test(id)) return id;
  const s = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return s === '' ? 'call_' : s;
}

export function convertMessages(messages: readonly Message[], opts: { thinking: boolean }): ConvertedMessages {
  const system: TextBlock[] = [];
  let systemCached = false;
  const turns: Turn[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const path = `messages[${i}]`;
    switch (m.role) {
      case 'system':
      case 'developer': {
        const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
        for (const p of parts) {
          if (p.type !== 'text' || p.text.trim() === '') continue;
          if (p.cache_control != null) systemCached = true;
          system.push(withCache<TextBlock>({ type: 'text', text: p.text }, p.cache_control));
        }
        break;
      }
      case 'user':
        turns.push(turn('user', contentBlocks(m.content, `${path}.content`)));
        break;
      case 'assistant':
        turns.push(assistantTurn(m, path, opts.thinking));
        break;
      case 'tool':
        turns.push(toolTurn(m, path));
        break;
    }
  }
  const merged = mergeSameRoleTurns(
    turns.filter((t) => t.content.length > 0),
    (into, next) => {
      into.content.push(...next.content);
      for (const [k, v] of next.calls) into.calls.set(k, v);
      for (const [k, v] of next.results) into.results.set(k, v);
    },
  );
  for (const t of merged) if (t.role === 'user' && t.results.size > 0) toolResultsFirst(t);
  checkToolPairs(merged);
  trimPrefill(merged);
  const out: ConvertedMessages = { messages: merged.map((t) => ({ role: t.role, content: t.content })) };
  if (system.length > 0) out.system = systemCached ? system : system.map((b) => b.text).join('\n\n');
  return out;
}

function turn(role: 'user' | 'assistant', content: ContentBlock[]): Turn {
  return { role, content, calls: new Map(), results: new Map() };
}

function assistantTurn(m: AssistantMessage, path: string, thinking: boolean): Turn {
  const content: ContentBlock[] = thinking ? thinkingBlocks(m.reasoning_details) : [];
  const t = turn('assistant', content);
  const text = textOfContent(m.content);
  if (text !== '') content.push({ type: 'text', text });
  const calls = m.tool_calls ?? [];
  for (let j = 0; j < calls.length; j++) {
    const tc = calls[j]!;
    const where = `${path}.tool_calls[${j}]`;
    const id = anthropicToolId(tc.id);
    content.push({ type: 'tool_use', id, name: tc.function.name, input: toolArgumentsObject(tc.function.arguments, `${where}.function.arguments`, tc.id) });
    t.calls.set(id, where);
  }
  cacheLast(content, m.cache_control);
  return t;
}

function toolTurn(m: ToolMessage, path: string): Turn {
  const id = anthropicToolId(m.tool_call_id);
  const block: ToolResultBlock = { type: 'tool_result', tool_use_id: id };
  if (typeof m.content === 'string') block.content = m.content;
  else {
    const blocks = contentBlocks(m.content, `${path}.content`);
    block.content = blocks.length > 0 ? blocks : '';
  }
  withCache(block, m.cache_control);
  const t = turn('user', [block]);
  t.results.set(id, `${path}.tool_call_id`);
  return t;
}

/** Message-level cache_control marks the message's last block. */
function cacheLast(content: ContentBlock[], cc: PublicCacheControl | undefined): void {
  if (cc == null) return;
  const last = content[content.length - 1];
  if (last !== undefined && last.type !== 'thinking' && last.type !== 'redacted_thinking') withCache(last, cc);
}

/** Anthropic wants the tool_result blocks at the start of a user turn. */
function toolResultsFirst(t: Turn): void {
  let seenOther = false;
  for (const b of t.content) {
    if (b.type !== 'tool_result') seenOther = true;
    else if (seenOther) {
      t.content = [...t.content.filter((x) => x.type === 'tool_result'), ...t.content.filter((x) => x.type !== 'tool_result')];
      return;
    }
  }
}

function checkToolPairs(turns: Turn[]): void {
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    if (t.role === 'assistant' && t.calls.size > 0) {
      const next = turns[i + 1];
      if (next === undefined) continue; // the model is continuing this turn
      for (const [id, where] of t.calls) {
        if (!next.results.has(id))
          throw badRequest(`${where}: tool call "${id}" has no tool result; send a role:"tool" message with its tool_call_id right after the assistant message (Anthropic requires every tool_use to be answered in the next turn)`);
      }
    }
    if (t.role === 'user' && t.results.size > 0) {
      const prev = i > 0 ? turns[i - 1] : undefined;
      for (const [id, where] of t.results) {
        if (prev === undefined || !prev.calls.has(id))
          throw badRequest(`${where}: "${id}" answers a tool call that is not in the assistant message right before it (Anthropic requires tool results to follow their tool calls directly)`);
      }
    }
  }
}

/** A final assistant turn is a prefill: Anthropic rejects trailing whitespace in it. */
function trimPrefill(turns: Turn[]): void {
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
