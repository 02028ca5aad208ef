/**
 * OpenRouter `reasoning_details` ↔ Anthropic thinking blocks.
 *
 * Out (responses): `thinking` → `{type:"reasoning.text", text, signature, format, index}`,
 * `redacted_thinking` → `{type:"reasoning.encrypted", data, format, index}`, index = the block's
 * position in the response content.
 *
 * In (history): details of another provider's format are skipped; `reasoning.text` entries that
 * share an `index` are merged first (a client that concatenated streamed fragments without merging
 * them still round-trips); text without a signature cannot be verified by Anthropic and is dropped.
 */
import type { ReasoningDetail } from '../../schema/types.js';
import { REASONING_FORMAT, type RedactedThinkingBlock, type ThinkingBlock } from './types.js';

export type ReasoningBlock = ThinkingBlock | RedactedThinkingBlock;

const ours = (format: string | null | undefined) => format == null || format === REASONING_FORMAT;

/** The thinking blocks to send back for one assistant message, in their original order. */
export function thinkingBlocks(details: readonly ReasoningDetail[] | null | undefined): ReasoningBlock[] {
  if (details == null || details.length === 0) return [];
  const out: ReasoningBlock[] = [];
  let pending: { text: string; signature: string; index: number | undefined } | undefined;
  const flush = () => {
    if (pending !== undefined && pending.signature !== '') out.push({ type: 'thinking', thinking: pending.text, signature: pending.signature });
    pending = undefined;
  };
  for (const d of details) {
    if (d == null || typeof d !== 'object' || !ours(d.format)) continue;
    if (d.type === 'reasoning.text') {
      const text = typeof d.text === 'string' ? d.text : '';
      const signature = typeof d.signature === 'string' ? d.signature : '';
      if (pending !== undefined && d.index !== undefined && d.index === pending.index) {
        pending.text += text;
        if (signature !== '') pending.signature = signature;
        continue;
      }
      flush();
      pending = { text, signature, index: d.index };
    } else if (d.type === 'reasoning.encrypted') {
      flush();
      if (typeof d.data === 'string' && d.data !== '') out.push({ type: 'redacted_thinking', data: d.data });
    }
  }
  flush();
  return out;
}

export function thinkingDetail(thinking: string, signature: string | undefined, index: number): ReasoningDetail {
  const d: ReasoningDetail = { type: 'reasoning.text', text: thinking, format: REASONING_FORMAT, index };
  if (signature !== undefined && signature !== '') d.signature = signature;
  return d;
}

export function redactedDetail(data: string, index: number): ReasoningDetail {
  return { type: 'reasoning.encrypted', data, format: REASONING_FORMAT, index };
}

/** The signature of a streamed thinking block (signature_delta), merged by the client by index. */
export function signatureDetail(signature: string, index: number): ReasoningDetail {
  return { type: 'reasoning.text', signature, format: REASONING_FORMAT, index };
}
