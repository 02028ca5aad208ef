import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes are drawn 4 KiB at a time: one syscall per ~200 ids instead of one per id.
let pool = randomBytes(4096);
let offset = 0;

/** A random alphanumeric string (ids for generations and synthesized tool calls). */
export function randomId(length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[pool[offset + i]! % 62];
  offset += length;
  return out;
}

/**
 * A tool-call id for providers that give none (Gemini, Ollama): unique across the conversation
 * (random per response), stable within one response (the same n gives the same id).
 */
export function synthesizeToolCallId(generationId: string, n: number): string {
  return `call_${generationId.slice(-12)}_${n}`;
}
