/**
 * The client's own JSON text of one string member of each element of an array, read from the
 * array's text (schema/raw-json.ts notes the text of the body's top-level members, `messages`
 * among them). An adapter that sends a client string unchanged (a message's content) can splice
 * this literal into its upstream body instead of serializing the string again: JSON.stringify
 * costs ~3 ns per character on Node 20, a scan that jumps from quote to quote almost nothing.
 *
 * The text must be what JSON.parse accepted for the value (raw-json guarantees it), so the scan
 * only follows structure; it gives up (undefined) on anything it does not expect, and on keys
 * written with escapes (which key they are would take a decode).
 */

import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  skipJsonSpace as skipSpace,
  skipJsonString as skipString,
  skipJsonValue as skipValue,
} from '../../schema/raw-json.js';

/**
 * For the JSON array `text`, per element: the text of its member `key` (`"Hi \"you\""`, quotes
 * included) when the element is an object and that member a string, else undefined. A key given
 * twice: the last one, as JSON.parse keeps. Undefined as a whole when the text is not an array the
 * scan can follow.
 */
export function stringMemberTexts(text: string, key: string): (string | undefined)[] | undefined {
  const out: (string | undefined)[] = [];
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACKET) return undefined;
  i++;
  for (;;) {
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return out;
    if (c === COMMA) {
      i++;
      continue;
    }
    if (i >= text.length) return undefined;
    if (c !== OPEN_BRACE) {
      out.push(undefined);
      i = skipValue(text, i);
      continue;
    }
    let found: string | undefined;
    i++;
    for (;;) {
      i = skipSpace(text, i);
      const d = text.charCodeAt(i);
      if (d === CLOSE_BRACE) {
        i++;
        break;
      }
      if (d === COMMA) {
        i++;
        continue;
      }
      if (d !== QUOTE) return undefined;
      const keyEnd = skipString(text, i);
      const isKey = keyEnd - i - 2 === key.length && text.startsWith(key, i + 1);
      if (!isKey) {
        for (let k = i + 1; k < keyEnd - 1; k++) if (text.charCodeAt(k) === BACKSLASH) return undefined;
      }
      i = skipSpace(text, keyEnd);
      if (text.charCodeAt(i) !== COLON) return undefined;
      i = skipSpace(text, i + 1);
      const end = skipValue(text, i);
      if (isKey) found = text.charCodeAt(i) === QUOTE ? text.slice(i, end) : undefined;
      i = end;
    }
    out.push(found);
  }
}
