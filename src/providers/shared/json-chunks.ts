/**
 * JSON.parse for the chunks of one stream, cheaper where streams repeat themselves. Parsing the
 * upstream's chunks is the largest single cost of re-framing a stream (~1 µs of JSON.parse per
 * 230-byte OpenAI chunk on a quiet core, twice that under load), and a run of deltas
 * (`…"delta":{"content":"<text>"},"logprobs":null,"finish_reason":null}]}`) differs from chunk
 * to chunk in one string literal only:
 *
 * - **The envelope**, learned from a stream's first chunk (parsed whole): the members before the
 *   first of the `fixedKeys` (`{"id":"chatcmpl-…","object":"chat.completion.chunk","created":…,"model":"…",`),
 *   the same in every chunk of the stream. Checked on every later chunk; the rest of the text
 *   holds everything the caller reads but the id (read from the first chunk).
 * - **Templates**: the text after the envelope, before and after one string literal at one of
 *   the `leaves` paths. A chunk that is its stream's envelope + `before` + one string literal +
 *   `after` is the template's value with that leaf replaced: only the literal is parsed, and the
 *   template's own parsed object is returned with the leaf set (~0.25 µs instead of ~1).
 *   Templates hold nothing of their stream (no envelope, so no id), so they are shared by all
 *   streams of a kind (`ChunkTemplates`, one per parser module) and learned once per process:
 *   when two chunks in a row hold a string at the same leaf, the second becomes the stream's
 *   candidate, shared once it matched a later chunk (a candidate that never matches, as with a
 *   member that changes every chunk, costs its stream a few learns and nobody else anything).
 * - **The ignored tail**: a last top-level string member that changes every chunk and that the
 *   caller never reads (`ignoredTail`: OpenAI's `"obfuscation":"…"`, random padding it adds to
 *   every chunk by default since 2025-08). A chunk ending with one is matched as the chunk
 *   without it, so the padding does not defeat the templates.
 *
 * Exact: a chunk that is not an instance is parsed whole, and an instance is the same JSON text as
 * the learned one but for the literal (and an ignored tail that is one plain string literal), so
 * an invalid chunk fails as JSON.parse fails, SyntaxError. A key given twice reads as JSON.parse
 * reads it, the last one. The price: the object `parse` returns may be a template's, which the
 * next call of any stream of that kind changes, so the caller must be done with it, and keep no
 * part of it, before then. Templates are only learned from chunks without any of the `retained`
 * members (those a caller may keep). The comparisons are slices (`textAt`), not startsWith, which
 * costs V8 ~3 ns a character where it is not inlined: with it a template hit cost ~0.7 µs, and the
 * templates did not pay on a short stream.
 */
import { CLOSE_BRACE, COLON, COMMA, detachedCopy, OPEN_BRACE, OPEN_BRACKET, QUOTE, skipJsonSpace, skipJsonString, skipJsonValue, textAt } from '../../schema/raw-json.js';

/** A path to a value: member names and array indexes. */
export type LeafPath = readonly (string | number)[];

export interface ChunkShape {
  /** Top-level members the caller reads from every chunk: never part of the envelope. */
  fixedKeys: readonly string[];
  /** Where a run of deltas varies: string leaves, in the order they are looked for; each starts with a fixed key. */
  leaves: readonly LeafPath[];
  /** Members a caller may keep past the chunk: a chunk with one (not null) is never a template. */
  retained: readonly LeafPath[];
  /** The start of an ignored last member, through its colon: `,"obfuscation":` (never a fixed key). */
  ignoredTail?: string;
}

/** Shared templates kept per kind of stream, most recently used first. */
const TEMPLATES_KEPT = 8;
/** Candidates one stream may learn. */
const LEARNS_PER_STREAM = 3;
/** What makes a string literal's text differ from its value (an escape), or invalid (a raw control character). */
const ESCAPE_OR_CONTROL = /[\\\u0000-\u001f]/;
/** What an ignored tail's value may not hold: a quote, an escape, a control character. */
const NOT_PLAIN = /["\\\u0000-\u001f]/;

/** The text after the envelope around one string literal, and the value of that text (`{` + it + `}`). */
interface Template {
  before: string;
  /** From the literal's end to the chunk's closing brace (not included). */
  after: string;
  leaf: number;
  value: Record<string, unknown>;
  holder: Record<string | number, unknown>;
  key: string | number;
}

/**
 * Does `data`, from `offset` (past its envelope) to `close` (its closing brace, or its ignored
 * tail), consist of the template's texts around one string literal?
 */
function fits(t: Template, data: string, offset: number, close: number): boolean {
  const b = offset + t.before.length;
  const end = close - t.after.length;
  return end > b && data.charCodeAt(b) === QUOTE && textAt(data, t.after, end) && textAt(data, t.before, offset) && skipJsonString(data, b) === end;
}

/** The shared templates of one kind of stream. */
export class ChunkTemplates {
  readonly list: Template[] = [];
  constructor(readonly shape: ChunkShape) {}

  /** The template `data` is an instance of (moved to the front), if any. */
  match(data: string, offset: number, close: number): Template | undefined {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      if (!fits(t, data, offset, close)) continue;
      if (i > 0) {
        list.splice(i, 1);
        list.unshift(t);
      }
      return t;
    }
    return undefined;
  }

  add(t: Template): void {
    this.list.unshift(t);
    if (this.list.length > TEMPLATES_KEPT) this.list.pop();
  }
}

/** The chunks of one stream. */
export class JsonChunks {
  /** The envelope ('' when its chunk had none; undefined until learned). */
  private envelope: string | undefined;
  /** The leaf the previous chunk held a string at (-1: none). */
  private lastLeaf = -1;
  private candidate: Template | undefined;
  private learns = LEARNS_PER_STREAM;

  constructor(private readonly templates: ChunkTemplates) {}

  /**
   * The value of the chunk's JSON text (throws JSON.parse's SyntaxError for an invalid one),
   * possibly a shared template's: the caller's only until its next call on any stream of the kind.
   */
  parse(data: string): unknown {
    const env = this.envelope;
    if (env === undefined) {
      const value: unknown = JSON.parse(data);
      this.envelope = envelopeOf(data, this.templates.shape.fixedKeys) ?? '';
      this.lastLeaf = this.leafOf(value);
      return value;
    }
    const offset = env.length;
    const close = offset === 0 || textAt(data, env, 0) ? this.closeOf(data) : -1;
    if (close !== -1) {
      let t = this.candidate;
      if (t !== undefined && fits(t, data, offset, close)) {
        this.candidate = undefined;
        this.templates.add(t); // it matched: worth sharing
      } else t = this.templates.match(data, offset, close);
      if (t !== undefined) {
        const literal = data.slice(offset + t.before.length, close - t.after.length);
        // no escape and no control character: the text between the quotes is the value
        t.holder[t.key] = ESCAPE_OR_CONTROL.test(literal) ? JSON.parse(literal) : literal.slice(1, -1);
        this.lastLeaf = t.leaf;
        return t.value;
      }
    }
    const value: unknown = JSON.parse(data);
    const leaf = this.leafOf(value);
    if (close !== -1 && leaf !== -1 && leaf === this.lastLeaf && this.learns > 0) this.learn(data, offset, close, value, leaf);
    this.lastLeaf = leaf;
    return value;
  }

  /**
   * Where the chunk's text would close if it had no ignored tail: the index of its last character
   * (a closing brace), or of the tail's comma when it ends with the tail and a plain string
   * literal; -1 when it does not end with a brace (no template fits it).
   */
  private closeOf(data: string): number {
    const last = data.length - 1;
    if (data.charCodeAt(last) !== CLOSE_BRACE) return -1;
    const tail = this.templates.shape.ignoredTail;
    if (tail === undefined || data.charCodeAt(last - 1) !== QUOTE) return last;
    const k = data.lastIndexOf(tail, last);
    const v = k + tail.length;
    if (k === -1 || v >= last - 1 || data.charCodeAt(v) !== QUOTE || NOT_PLAIN.test(data.slice(v + 1, last - 1))) return last;
    return k;
  }

  /** The first of the shape's leaves that holds a string in `value`, or -1. */
  private leafOf(value: unknown): number {
    const leaves = this.templates.shape.leaves;
    for (let i = 0; i < leaves.length; i++) {
      const path = leaves[i]!;
      if (typeof valueAt(value, path, path.length) === 'string') return i;
    }
    return -1;
  }

  /** Makes `data` (up to `close`) the stream's candidate template, when nothing retained is present. */
  private learn(data: string, offset: number, close: number, value: unknown, leaf: number): void {
    const shape = this.templates.shape;
    for (const p of shape.retained) if (valueAt(value, p, p.length) != null) return;
    const path = shape.leaves[leaf]!;
    // the path's first key is a fixed one, never in the envelope: its last occurrence is past it
    const span = spanAt(data, path);
    if (span === undefined || span[0] < offset || span[1] > close) return;
    this.learns--;
    // the template's value has no envelope members (it is shared by streams with other envelopes), nor the ignored tail
    const own = JSON.parse(offset === 0 ? `${data.slice(0, close)}}` : `{${data.slice(offset, close)}}`) as Record<string, unknown>;
    this.candidate = {
      // copies: a slice would keep the whole upstream read it came from alive as long as the template
      before: detachedCopy(data.slice(offset, span[0])),
      after: detachedCopy(data.slice(span[1], close)),
      leaf,
      value: own,
      holder: valueAt(own, path, path.length - 1) as Record<string | number, unknown>,
      key: path[path.length - 1]!,
    };
  }
}

/** The value at the first `n` steps of `path`. */
function valueAt(value: unknown, path: LeafPath, n: number): unknown {
  let v = value;
  for (let i = 0; i < n; i++) {
    const k = path[i]!;
    if (typeof v !== 'object' || v === null) return undefined;
    if (typeof k === 'number' ? !Array.isArray(v) : Array.isArray(v)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/**
 * The text of the valid JSON `data` before the first top-level member named in `fixedKeys`, when `data` is an object and everything before it is
 * plain members (no escaped key, which could spell a fixed one), ending in a comma; else undefined.
 */
function envelopeOf(data: string, fixedKeys: readonly string[]): string | undefined {
  let i = skipJsonSpace(data, 0);
  if (data.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i++;
  let members = 0;
  for (;;) {
    i = skipJsonSpace(data, i);
    if (data.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipJsonString(data, i);
    const key = data.slice(i + 1, keyEnd - 1);
    if (key.includes('\\') || fixedKeys.includes(key)) return members > 0 ? data.slice(0, i) : undefined;
    i = skipJsonSpace(data, keyEnd);
    if (data.charCodeAt(i) !== COLON) return undefined;
    i = skipJsonValue(data, skipJsonSpace(data, i + 1));
    i = skipJsonSpace(data, i);
    if (data.charCodeAt(i) !== COMMA) return undefined; // the last member: no fixed key follows
    i++;
    members++;
  }
}

/**
 * [start, end) of the JSON text of the value at `path` in the valid JSON `text`: for a member
 * given twice the last one (JSON.parse's), undefined when the path is not there or a key on the
 * way is written with an escape.
 */
export function spanAt(text: string, path: LeafPath): [number, number] | undefined {
  let start = skipJsonSpace(text, 0);
  let end = skipJsonValue(text, start);
  for (const k of path) {
    const c = text.charCodeAt(start);
    let found: [number, number] | undefined;
    let i = start + 1;
    let index = 0;
    if (c === OPEN_BRACE && typeof k === 'string') {
      for (;;) {
        i = skipJsonSpace(text, i);
        if (text.charCodeAt(i) !== QUOTE) break;
        const keyEnd = skipJsonString(text, i);
        const key = text.slice(i + 1, keyEnd - 1);
        if (key.includes('\\')) return undefined;
        i = skipJsonSpace(text, skipJsonSpace(text, keyEnd) + 1);
        const vEnd = skipJsonValue(text, i);
        if (key === k) found = [i, vEnd];
        i = skipJsonSpace(text, vEnd);
        if (text.charCodeAt(i) !== COMMA) break;
        i++;
      }
    } else if (c === OPEN_BRACKET && typeof k === 'number') {
      for (;;) {
        i = skipJsonSpace(text, i);
        if (i >= end - 1) break; // the closing bracket
        const vEnd = skipJsonValue(text, i);
        if (index === k) {
          found = [i, vEnd];
          break;
        }
        index++;
        i = skipJsonSpace(text, vEnd);
        if (text.charCodeAt(i) !== COMMA) break;
        i++;
      }
    }
    if (found === undefined) return undefined;
    [start, end] = found;
  }
  return [start, end];
}
