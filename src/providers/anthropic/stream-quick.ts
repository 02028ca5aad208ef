/**
 * The stream events Anthropic sends most, read without JSON.parse: content_block_delta (text,
 * input_json, thinking, signature), content_block_stop, ping, message_stop, in the exact compact
 * form the API writes (`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`).
 * A delta's value is the only JSON parsed (one string literal); everything around it is matched
 * as fixed text. Anything else (other spacing, key order, extra fields, a value that is not one
 * valid string literal) is `undefined`, and the caller parses the event as usual.
 *
 * What a match returns equals JSON.parse(data): the fixed text around the value is valid JSON
 * with exactly those members, and the value is parsed by JSON.parse itself.
 */

import { textAt } from '../../schema/raw-json.js';

interface DeltaKind {
  /** `,"delta":{"type":"text_delta","text":` */
  head: string;
  make: (value: string) => Record<string, unknown>;
}

const DELTA = '{"type":"content_block_delta","index":';
const DELTA_KINDS: DeltaKind[] = [
  { head: ',"delta":{"type":"text_delta","text":', make: (text) => ({ type: 'text_delta', text }) },
  { head: ',"delta":{"type":"input_json_delta","partial_json":', make: (partial_json) => ({ type: 'input_json_delta', partial_json }) },
  { head: ',"delta":{"type":"thinking_delta","thinking":', make: (thinking) => ({ type: 'thinking_delta', thinking }) },
  { head: ',"delta":{"type":"signature_delta","signature":', make: (signature) => ({ type: 'signature_delta', signature }) },
];
const BLOCK_STOP = '{"type":"content_block_stop","index":';
/** The API has been seen writing its pings with a space, unlike every other event. */
const PING = '{"type":"ping"}';
const PING_SPACED = '{"type": "ping"}';
const MESSAGE_STOP = '{"type":"message_stop"}';

const QUOTE = 34;
const CLOSE_BRACE = 125;
const ZERO = 48;
const NINE = 57;
/** Block indexes longer than this are left to JSON.parse (exactness beyond 2^53 is its business). */
const MAX_DIGITS = 9;

/** The event JSON.parse(data) would give, for the common compact events; undefined for anything else. */
export function quickEvent(data: string): Record<string, unknown> | undefined {
  if (textAt(data, DELTA, 0)) return blockDelta(data);
  if (textAt(data, BLOCK_STOP, 0)) {
    const end = indexEnd(data, BLOCK_STOP.length);
    if (end === -1 || end !== data.length - 1 || data.charCodeAt(end) !== CLOSE_BRACE) return undefined;
    return { type: 'content_block_stop', index: indexValue(data, BLOCK_STOP.length, end) };
  }
  if (data === PING || data === PING_SPACED) return { type: 'ping' };
  if (data === MESSAGE_STOP) return { type: 'message_stop' };
  return undefined;
}

function blockDelta(data: string): Record<string, unknown> | undefined {
  const start = DELTA.length;
  const end = indexEnd(data, start);
  if (end === -1) return undefined;
  const n = data.length;
  // the value: a string literal, then `}}` closing delta and event
  if (data.charCodeAt(n - 1) !== CLOSE_BRACE || data.charCodeAt(n - 2) !== CLOSE_BRACE || data.charCodeAt(n - 3) !== QUOTE) return undefined;
  for (const kind of DELTA_KINDS) {
    if (!textAt(data, kind.head, end)) continue;
    const at = end + kind.head.length;
    if (data.charCodeAt(at) !== QUOTE || at >= n - 3) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(data.slice(at, n - 2));
    } catch {
      return undefined; // not one string literal (`"a","b":"c"`, a bad escape, …): the full parse decides
    }
    if (typeof value !== 'string') return undefined;
    return { type: 'content_block_delta', index: indexValue(data, start, end), delta: kind.make(value) };
  }
  return undefined;
}

/** End of the JSON non-negative integer at `i` (no sign, no fraction, no leading zero), or -1. */
function indexEnd(data: string, i: number): number {
  let j = i;
  while (j < data.length && j - i <= MAX_DIGITS) {
    const c = data.charCodeAt(j);
    if (c < ZERO || c > NINE) break;
    j++;
  }
  if (j === i || j - i > MAX_DIGITS) return -1;
  if (data.charCodeAt(i) === ZERO && j - i > 1) return -1;
  return j;
}

function indexValue(data: string, i: number, end: number): number {
  let v = 0;
  for (let j = i; j < end; j++) v = v * 10 + (data.charCodeAt(j) - ZERO);
  return v;
}
