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

/** Character codes of JSON's structure (shared with providers/shared/raw-strings.ts). */
export const QUOTE = 34; // "
export const BACKSLASH = 92;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const COLON = 58;
export const COMMA = 44;

/** The rest of a string literal after a position inside it: runs without `"` or `\`, escapes, the closing quote. */
const STRING_REST = /[^"\\]*(?:\\[^][^"\\]*)*"/y;

/**
 * Index just past the closing quote of the string whose opening quote is at `i`. Jumps from quote
 * to quote (native indexOf: next to free for plain text); a string with many escaped quotes (a
 * JSON tool result) is finished by one sticky regex instead (~1 ns a character, 3× the jumps).
 */
export function skipJsonString(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  for (let escaped = 0; j !== -1; escaped++) {
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j + 1; // an even run of backslashes: the quote is not escaped
    if (escaped === 4) {
      STRING_REST.lastIndex = j + 1;
      return STRING_REST.test(text) ? STRING_REST.lastIndex : text.length;
    }
    j = text.indexOf('"', j + 1);
  }
  return text.length;
}

/** Index just past the JSON value (string, object, array, number, literal) that starts at `i`. */
export function skipJsonValue(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipJsonString(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    let j = i;
    for (let d = c; j < n && d !== COMMA && d !== CLOSE_BRACE && d !== CLOSE_BRACKET && !isSpace(d); d = text.charCodeAt(++j));
    return j;
  }
  let depth = 0;
  for (let j = i; j < n; j++) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) j = skipJsonString(text, j) - 1;
    else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return j + 1;
  }
  return n;
}

/**
 * `s.startsWith(sub, at)`, at a steady cost: V8's startsWith compares a character at a time and,
 * at call sites it does not inline, costs ~3 ns a character (~300 ns for a 100-character chunk
 * envelope); a slice and a string comparison cost ~35 ns whatever the call site.
 */
export function textAt(s: string, sub: string, at: number): boolean {
  return s.slice(at, at + sub.length) === sub;
}

/**
 * A copy of `s` that shares no memory with the string it was sliced from: for a cache that keeps
 * a member's text longer than the request (V8 keeps a slice's whole parent string alive).
 */
export function detachedCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** Index of the first character at or after `i` that is not JSON whitespace. */
export function skipJsonSpace(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

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
    const keyEnd = skipJsonString(text, i);
    const rawKey = text.slice(i + 1, keyEnd - 1);
    const key = rawKey.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : rawKey;
    i = keyEnd;
    while (text.charCodeAt(i) !== COLON) i++;
    i = skipJsonSpace(text, i + 1);
    c = text.charCodeAt(i);
    const end = skipJsonValue(text, i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const member = value[key];
      if (typeof member === 'object' && member !== null) raw.note(member, text.slice(i, end));
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
