import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random alphanumeric string (ids for generations and synthesized tool calls). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[bytes[i]! % 62];
  return out;
}

/**
 * A tool-call id for providers that give none (Gemini, Ollama): unique across the conversation
 * (random per response), stable within one response (the same n gives the same id).
 */
export function synthesizeToolCallId(generationId: string, n: number): string {
  return `call_${generationId.slice(-12)}_${n}`;
}
