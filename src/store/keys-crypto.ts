/**
 * API key material. A key is `sk-sy-v1-<id><secret>`: `id` (12 hex chars) is not secret and is how
 * the store finds the key's row; `secret` is 256 random bits. The store keeps only a per-key salt
 * and HMAC-SHA256(salt, key), compared in constant time, so a database dump or a log line with
 * the id reveals nothing usable. A fast keyed hash suffices (and keeps auth off the CPU profile)
 * because the secret is random, not a password: there is nothing to brute-force.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sk-sy-v1-';
const ID_LEN = 12;
const SECRET_LEN = 43; // 32 bytes, base64url
const FORMAT = /^sk-sy-v1-([0-9a-f]{12})([A-Za-z0-9_-]{43})$/;

export interface KeyMaterial {
  /** The full key: shown once, never stored. */
  token: string;
  id: string;
  salt: string;
  hash: string;
  /** What is shown afterwards: `sk-sy-v1-<id>…`. */
  label: string;
}

export function hashKey(token: string, salt: string): string {
  return createHmac('sha256', Buffer.from(salt, 'hex')).update(token).digest('hex');
}

export function labelFor(id: string): string {
  return `${KEY_PREFIX}${id}...`;
}

export function generateKey(): KeyMaterial {
  const id = randomBytes(ID_LEN / 2).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const token = `${KEY_PREFIX}${id}${secret}`;
  const salt = randomBytes(16).toString('hex');
  return { token, id, salt, hash: hashKey(token, salt), label: labelFor(id) };
}

/** The key id of a well-formed key, else undefined (no lookup is made for malformed tokens). */
export function keyIdOf(token: string): string | undefined {
  if (token.length !== KEY_PREFIX.length + ID_LEN + SECRET_LEN) return undefined;
  const m = FORMAT.exec(token);
  return m ? m[1] : undefined;
}

/** Constant-time check of a presented key against a stored salt and hash. */
export function verifyKey(token: string, salt: string, hash: string): boolean {
  const want = Buffer.from(hash, 'hex');
  const got = Buffer.from(hashKey(token, salt), 'hex');
  return want.length === got.length && timingSafeEqual(want, got);
}
