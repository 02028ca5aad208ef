/**
 * Streaming split of a model's text into plain text and `<tool_call>` blocks. Text is released
 * as soon as it cannot be the start of a call: only a tail that is a prefix of `<tool_call>` (at
 * most 10 characters) is held back; inside a block everything is held until `</tool_call>`.
 */
import { CALL_CLOSE, CALL_OPEN } from './format.js';

export type Segment =
  | { type: 'text'; text: string }
  /** `body`: what is between the tags; `raw`: the block as written; `closed`: false when the text ended inside it. */
  | { type: 'call'; body: string; raw: string; closed: boolean };

export class CallScanner {
  private buf = '';
  private inCall = false;

  push(text: string): Segment[] {
    this.buf += text;
    const out: Segment[] = [];
    for (;;) {
      if (!this.inCall) {
        const i = this.buf.indexOf(CALL_OPEN);
        if (i !== -1) {
          if (i > 0) out.push({ type: 'text', text: this.buf.slice(0, i) });
          this.buf = this.buf.slice(i + CALL_OPEN.length);
          this.inCall = true;
          continue;
        }
        const keep = heldTail(this.buf);
        if (this.buf.length > keep) out.push({ type: 'text', text: this.buf.slice(0, this.buf.length - keep) });
        this.buf = this.buf.slice(this.buf.length - keep);
        return out;
      }
      const j = this.buf.indexOf(CALL_CLOSE);
      if (j === -1) return out;
      const body = this.buf.slice(0, j);
      out.push({ type: 'call', body, raw: CALL_OPEN + body + CALL_CLOSE, closed: true });
      this.buf = this.buf.slice(j + CALL_CLOSE.length);
      this.inCall = false;
    }
  }

  /** The text ended: what is held comes out (an open block as an unclosed call). */
  end(): Segment[] {
    const rest = this.buf;
    const inCall = this.inCall;
    this.buf = '';
    this.inCall = false;
    if (inCall) return [{ type: 'call', body: rest, raw: CALL_OPEN + rest, closed: false }];
    return rest === '' ? [] : [{ type: 'text', text: rest }];
  }
}

/** Length of the longest tail of `s` that is a proper prefix of `<tool_call>`. */
function heldTail(s: string): number {
  for (let k = Math.min(s.length, CALL_OPEN.length - 1); k > 0; k--) {
    if (CALL_OPEN.startsWith(s.slice(s.length - k))) return k;
  }
  return 0;
}

/** The whole-text form (non-streaming answers). */
export function splitReply(text: string): Segment[] {
  const s = new CallScanner();
  return [...s.push(text), ...s.end()];
}
