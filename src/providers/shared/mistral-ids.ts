/**
 * Mistral's tool-call id rule: exactly 9 characters from [a-zA-Z0-9] (400, code 3280, otherwise);
 * Mistral models keep it wherever they are served (La Plateforme, Bedrock, vLLM).
 * Ids the client sends in its history (`call_…`, `toolu_…`, synthesized ones) are rewritten to
 * 9 characters deterministically (base62 of SHA-256, so a resent history maps the same way) in
 * both the assistant tool_calls and the tool messages; valid ids, including Mistral's own, pass
 * unchanged. The map is per request: anything coming back (a tool call, an error message) that
 * carries a rewritten id is turned back into the client's original.
 *
 * The map is a pure function of the request's history, so the parse functions rebuild it from
 * `ctx.request` (the request of the same attempt) instead of keeping state between calls.
 */
import { createHash } from 'node:crypto';
import type { Message } from '../../schema/types.js';
import type { AdapterContext } from '../types.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const VALID_ID = /^[a-zA-Z0-9]{9}$/;

/** Deterministic 9-character alphanumeric id for any string (`salt` picks another on a collision). */
export function mistralIdFor(id: string, salt = 0): string {
  const digest = createHash('sha256').update(salt === 0 ? id : `${id}#${salt}`).digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += ALNUM[digest[i]! % 62];
  return out;
}

export class ToolCallIdMap {
  private readonly toMistral = new Map<string, string>();
  private readonly toOriginal = new Map<string, string>();
  private readonly taken: Set<string>;

  /** `historyIds`: every id in the request, so a rewritten id never collides with a kept one. */
  constructor(historyIds: Iterable<string>) {
    this.taken = new Set([...historyIds].filter((id) => VALID_ID.test(id)));
  }

  /** The id to send to Mistral for a client id. */
  outbound(id: string): string {
    if (VALID_ID.test(id)) return id;
    let mapped = this.toMistral.get(id);
    if (mapped !== undefined) return mapped;
    for (let salt = 0; ; salt++) {
      mapped = mistralIdFor(id, salt);
      if (!this.taken.has(mapped)) break;
    }
    this.taken.add(mapped);
    this.toMistral.set(id, mapped);
    this.toOriginal.set(mapped, id);
    return mapped;
  }

  /** The id to show the client for an id Mistral returned: the original when it is a rewritten one. */
  inbound(id: string): string {
    return this.toOriginal.get(id) ?? id;
  }

  /** Rewritten ids in free text (error messages) back to the client's. */
  restoreText(text: string): string {
    let out = text;
    for (const [mapped, original] of this.toOriginal) out = out.split(mapped).join(original);
    return out;
  }

  get size(): number {
    return this.toOriginal.size;
  }
}

/** The ids used in a history (assistant tool calls and tool messages), in order. */
function historyIds(messages: readonly Message[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') for (const tc of m.tool_calls ?? []) out.push(tc.id);
    else if (m.role === 'tool') out.push(m.tool_call_id);
  }
  return out;
}

/** The id map of a history: every id in it registered, in order (so the same history maps the same way). */
export function toolCallIdMap(messages: readonly Message[]): ToolCallIdMap {
  const ids = historyIds(messages);
  const map = new ToolCallIdMap(ids);
  for (const id of ids) map.outbound(id);
  return map;
}

/** The map of the attempt's request (empty when the context carries none: ids pass through). */
export function idsFor(ctx: AdapterContext): ToolCallIdMap {
  return toolCallIdMap(ctx.request?.messages ?? []);
}
