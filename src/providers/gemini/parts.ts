/**
 * Gemini response parts → canonical events, shared by the JSON and the streaming path (a JSON
 * response is read as one chunk). One reader per response keeps what must be stable across
 * chunks: tool-call numbering (and so the synthesized ids) and reasoning_details indexes.
 *
 * - text → text; `{text, thought:true}` → reasoning text plus a `reasoning.text` detail
 *   (signature kept), consecutive thought fragments sharing one detail index;
 * - functionCall → tool-call start + its whole arguments; Gemini's id when it gives one, else
 *   a Switchyard id (stable within the response, unique across the conversation);
 * - a thoughtSignature on a functionCall → a `reasoning.encrypted` detail whose id is that call's
 *   id; on a text part → one without an id. The client echoes them back in reasoning_details and
 *   contents.ts puts each back on the part it came on.
 */
import type { Emit } from '../types.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import { GEMINI_FORMAT, type GeminiPart } from './types.js';

export class PartReader {
  private calls = 0;
  private nextDetail = 0;
  /** Detail index of the thought being streamed, while its fragments keep coming. */
  private thought: number | undefined;

  constructor(
    private readonly generationId: string,
    private readonly emit: Emit,
  ) {}

  get sawToolCalls(): boolean {
    return this.calls > 0;
  }

  read(parts: readonly GeminiPart[] | undefined): void {
    if (!Array.isArray(parts)) return;
    for (const p of parts) this.part(p);
  }

  private part(p: GeminiPart): void {
    if (p === null || typeof p !== 'object') return;
    const sig = typeof p.thoughtSignature === 'string' && p.thoughtSignature !== '' ? p.thoughtSignature : undefined;
    if (p.functionCall != null) {
      this.thought = undefined;
      const n = this.calls++;
      const id = p.functionCall.id || synthesizeToolCallId(this.generationId, n);
      this.emit({ type: 'tool_call_start', index: n, id, name: p.functionCall.name ?? '' });
      this.emit({ type: 'tool_call_delta', index: n, arguments: JSON.stringify(p.functionCall.args ?? {}) });
      if (sig !== undefined) this.emit({ type: 'reasoning', detail: { type: 'reasoning.encrypted', data: sig, id, format: GEMINI_FORMAT, index: this.nextDetail++ } });
      return;
    }
    if (p.thought === true) {
      const text = typeof p.text === 'string' ? p.text : '';
      this.thought ??= this.nextDetail++;
      const detail = { type: 'reasoning.text' as const, text, format: GEMINI_FORMAT, index: this.thought, ...(sig !== undefined ? { signature: sig } : {}) };
      this.emit(text === '' ? { type: 'reasoning', detail } : { type: 'reasoning', text, detail });
      if (sig !== undefined) this.thought = undefined; // a signature closes the thought
      return;
    }
    if (typeof p.text === 'string') {
      this.thought = undefined;
      if (p.text !== '') this.emit({ type: 'text', text: p.text });
      if (sig !== undefined) this.emit({ type: 'reasoning', detail: { type: 'reasoning.encrypted', data: sig, format: GEMINI_FORMAT, index: this.nextDetail++ } });
    }
    // inlineData, executableCode, … have no chat-completions counterpart
  }
}
