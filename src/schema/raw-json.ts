/**
 * The request body's own text, kept beside its parsed value, so the hot path can reuse it instead
 * of serializing the same data again: an upstream body that forwards `messages` and `tools`
 * unchanged splices their original text in (no JSON.stringify of the conversation), and the
 * tools' validation verdict is cached by their text (no stringify for a cache key).
 *
 * The link is by identity: `parseJsonWithRaw` notes the text of each top-level array or object
 * member of the body against the parsed value itself, and the canonical request carries these
 * notes (`CanonicalRequest.raw`). Code that replaces a value (an adapter building new messages, a
 * wrapper rewriting the tools) holds a new object with no text noted, so it can never be confused
 * with the original. Parsed request values are never mutated in place (the rule of
 * src/schema/canonical.ts), which is what keeps the text true. (A WeakMap would do the same
 * without carrying anything, but its entries cost the garbage collector ~7 µs per request.)
 */

/** The original text of a body's top-level object/array members, looked up by the parsed value. */
export class RawMembers {
  private readonly values: object[] = [];
  private readonly texts: string[] = [];

  note(value: object, text: string): void {
    const i = this.values.indexOf(value);
    if (i === -1) {
      this.values.push(value);
      this.texts.push(text);
    } else this.texts[i] = text;
  }

  /** The original JSON text of `value` when it is one of the body's members, unchanged. */
  of(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const i = this.values.indexOf(value);
    return i === -1 ? undefined : this.texts[i];
  }
}

export interface ParsedBody {
  value: unknown;
  /** Present when the body is a JSON object. */
  raw: RawMembers | undefined;
}

/** JSON.parse, noting the text of each top-level object/array member of an object body. */
export function parseJsonWithRaw(text: string): ParsedBody {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { value, raw: undefined };
  const raw = new RawMembers();
  noteMembers(text, value as Record<string, unknown>, raw);
  return { value, raw };
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;

/** Index just past the closing quote of the string whose opening quote is at `i`. */
function skipString(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  while (j !== -1) {
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j + 1; // an even run of backslashes: the quote is not escaped
    j = text.indexOf('"', j + 1);
  }
  return text.length;
}

/** Index just past the object or array that opens at `i`. */
function skipComposite(text: string, i: number): number {
  let depth = 0;
  const n = text.length;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(text, j) - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return j + 1;
    }
  }
  return n;
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Walks the top level of a valid JSON object text (JSON.parse accepted it) and records each
 * member whose value is an object or array. A key that appears twice: JSON.parse kept the last
 * value, and the last occurrence's text is noted last, so it wins.
 */
function noteMembers(text: string, value: Record<string, unknown>, raw: RawMembers): void {
  const n = text.length;
  let i = text.indexOf('{') + 1;
  while (i < n) {
    let c = text.charCodeAt(i);
    while (isSpace(c) || c === COMMA) c = text.charCodeAt(++i);
    if (c !== QUOTE) return; // the closing brace (or anything unexpected): done
    const keyEnd = skipString(text, i);
    const rawKey = text.slice(i + 1, keyEnd - 1);
    const key = rawKey.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : rawKey;
    i = keyEnd;
    while (text.charCodeAt(i) !== COLON) i++;
    i++;
    c = text.charCodeAt(i);
    while (isSpace(c)) c = text.charCodeAt(++i);
    let end: number;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      end = skipComposite(text, i);
      const member = value[key];
      if (typeof member === 'object' && member !== null) raw.note(member, text.slice(i, end));
    } else if (c === QUOTE) {
      end = skipString(text, i);
    } else {
      end = i;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (d === COMMA || d === CLOSE_BRACE || isSpace(d)) break;
        end++;
      }
    }
    i = end;
  }
}

/**
 * Serializes a flat object of members, splicing in the original text of any member value that
 * has one in `raw` and JSON.stringify for the rest. Same value as JSON.stringify(obj); only the
 * whitespace inside spliced members may differ.
 */
export function stringifyWithRaw(obj: Record<string, unknown>, raw: RawMembers | undefined): string {
  if (raw === undefined) return JSON.stringify(obj);
  let out = '{';
  for (const key in obj) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function') continue;
    const text = typeof v === 'object' && v !== null ? raw.of(v) : undefined;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${text ?? JSON.stringify(v)}`;
  }
  return `${out}}`;
}
