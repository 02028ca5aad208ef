import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn 4 KiB at a time: one syscall per ~200 ids instead of one per id.
let pool = randomBytes(4096);
let offset = 0;
const ALNUM_CODES = Uint8Array.from(ALNUM, (c) => c.charCodeAt(0));
const scratch = Buffer.allocUnsafe(64);

/** The scratch buffer when `length` fits in it (the usual case), else a new one. */
const bufferFor = (length: number): Buffer => (length <= scratch.length ? scratch : Buffer.allocUnsafe(length));

/** A random alphanumeric string (ids for generations and synthesized tool calls). */
export function randomId(length: number): string {
  return randomTail(bufferFor(length), 0, length);
}

/** `out[from, length)` filled with random alphanumerics; `out[0, length)` as one string. */
function randomTail(out: Buffer, from: number, length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  for (let i = from; i < length; i++) out[i] = ALNUM_CODES[pool[offset + i]! % 62]!;
  offset += length;
  return out.toString('latin1', 0, length); // one string, not one per character
}

/** Digits, then upper, then lower case: ASCII order, so fixed-width counters in it sort as numbers. */
const ORDERED_CODES = Uint8Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));
const COUNTER_WIDTH = 5;
const COUNTER_SPAN = 62 ** COUNTER_WIDTH;
let counter = Math.floor(Math.random() * COUNTER_SPAN);

/**
 * An id whose first 5 characters count up (from a random start, per process) and whose rest is
 * random: the ids one process makes sort in the order it made them (until the counter wraps,
 * after 916 million), and stay unguessable (`length - 5` random characters). Generation ids use
 * it, so the generation log's primary-key index takes each insert at its right edge instead of
 * anywhere among the current second's ids (bench/micro/genlog.ts, 40k records: 38–40 → 30 µs of
 * CPU per record, all threads).
 */
export function ascendingId(length: number): string {
  const out = bufferFor(length);
  let n = counter;
  counter = (counter + 1) % COUNTER_SPAN;
  for (let i = COUNTER_WIDTH - 1; i >= 0; i--) {
    out[i] = ORDERED_CODES[n % 62]!;
    n = Math.floor(n / 62);
  }
  return randomTail(out, COUNTER_WIDTH, length);
}

/**
 * A tool-call id for providers that give none (Gemini, Ollama): unique across the conversation
 * (random per response), stable within one response (the same n gives the same id).
 */
export function synthesizeToolCallId(generationId: string, n: number): string {
  return `call_${generationId.slice(-12)}_${n}`;
}
