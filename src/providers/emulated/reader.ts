/**
 * Reads one model reply (pushed as text pieces) into plain text and checked tool calls, for the
 * streaming and the non-streaming path alike. Calls get synthesized ids numbered from `base`;
 * with parallel_tool_calls:false only the first call counts. Whitespace between text and a call
 * is dropped (the model's layout, not content). A malformed block is either held for the retry
 * (`holdMalformed`) or released as the text the model wrote.
 */
import type { CanonicalRequest } from '../../schema/canonical.js';
import { synthesizeToolCallId } from '../shared/ids.js';
import { checkBlock } from './calls.js';
import { CallScanner, type Segment } from './scanner.js';

export interface ReaderOutput {
  text(text: string): void;
  call(n: number, id: string, name: string, args: string): void;
}

export interface Malformed {
  raw: string;
  error: string;
}

export class ReplyReader {
  private readonly scanner = new CallScanner();
  private ws = '';
  private own = 0;
  private ended = false;
  /** Everything the model wrote, as written. */
  raw = '';
  readonly malformed: Malformed[] = [];
  readonly acceptedNames: string[] = [];
  /** Malformed blocks released as text. */
  malformedAsText = 0;

  constructor(
    private readonly req: CanonicalRequest,
    private readonly generationId: string,
    private readonly out: ReaderOutput,
    private readonly holdMalformed: boolean,
    private readonly base = 0,
  ) {}

  /** Calls emitted so far, counting the rounds before this one. */
  get total(): number {
    return this.base + this.own;
  }

  push(text: string): void {
    this.raw += text;
    for (const s of this.scanner.push(text)) this.segment(s);
  }

  /**
   * The reply's text ended: release what the scanner held. When the retry is on, a reply that
   * tool_choice required a call from but made none counts as malformed too.
   */
  end(): void {
    for (const s of this.scanner.end()) this.segment(s);
    const choice = this.req.toolChoice;
    if (!this.holdMalformed || this.ended || this.total > 0 || this.malformed.length > 0) return;
    this.ended = true;
    if (choice?.type === 'required') this.malformed.push({ raw: '', error: 'this reply must call at least one tool, and it called none' });
    else if (choice?.type === 'function') this.malformed.push({ raw: '', error: `this reply must call "${choice.name}", and it called no tool` });
  }

  /** Nothing more will come: trailing whitespace is content only when the reply made no calls. */
  close(): void {
    if (this.ws !== '' && this.total === 0) this.out.text(this.ws);
    this.ws = '';
  }

  releaseMalformed(): void {
    for (const m of this.malformed.splice(0)) {
      if (m.raw === '') continue; // a missing call: nothing was written
      this.text(m.raw);
      this.malformedAsText++;
    }
  }

  private segment(s: Segment): void {
    if (s.type === 'text') return this.text(s.text);
    const r = checkBlock(s, this.req.tools ?? [], this.req.toolChoice);
    if (!r.ok) {
      if (this.holdMalformed) this.malformed.push({ raw: s.raw, error: r.error });
      else {
        this.text(s.raw);
        this.malformedAsText++;
      }
      return;
    }
    this.ws = '';
    for (const c of r.calls) {
      if (this.req.parallelToolCalls === false && this.total >= 1) break;
      const n = this.total;
      this.own++;
      this.acceptedNames.push(c.name);
      this.out.call(n, synthesizeToolCallId(this.generationId, n), c.name, c.arguments);
    }
  }

  private text(t: string): void {
    const trail = /\s*$/.exec(t)![0];
    const body = t.slice(0, t.length - trail.length);
    if (body === '') {
      this.ws += t;
      return;
    }
    this.out.text(this.ws + body);
    this.ws = trail;
  }
}
