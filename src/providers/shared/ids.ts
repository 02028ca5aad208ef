import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn 4 KiB at a time: one syscall per ~200 ids instead of one per id.
let pool = randomBytes(4096);
let offset = 0;
const ALNUM_CODES = Uint8Array.from(ALNUM, (c) => c.charCodeAt(0));
const scratch = Buffer.allocUnsafe(64);

/** A random alphanumeric string (ids for generations and synthesized tool calls). */
export function randomId(length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const out = length <= scratch.length ? scratch : Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = ALNUM_CODES[pool[offset + i]! % 62]!;
  offset += length;
  return out.toString('latin1', 0, length); // one string, not one per character
}

/**
 * A tool-call id for providers that give none (Gemini, Ollama): unique across the conversation
 * (random per response), stable within one response (the same n gives the same id).
 */
export function synthesizeToolCallId(generationId: string, n: number): string {
  return `call_${generationId.slice(-12)}_${n}`;
}
