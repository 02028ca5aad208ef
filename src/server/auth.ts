/**
 * Bearer authentication. The master key is accepted; later, stored API keys are too (through the
 * `KeyResolver` hook). With no key configured at all the gateway runs open, and only on loopback.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../schema/errors.js';

export interface Principal {
  /** 'master' for the master key, 'anonymous' when the gateway runs open, else a stored key. */
  kind: 'master' | 'anonymous' | 'key';
  /** Stable, non-secret identifier (a hash prefix or key id) for logs and records. */
  id: string;
  [k: string]: unknown;
}

/** Resolves a presented bearer token to a stored key (issue: keys). Undefined = not a stored key. */
export type KeyResolver = (token: string) => Promise<Principal | undefined> | Principal | undefined;

export interface AuthOptions {
  masterKey: string | undefined;
  resolveKey?: KeyResolver;
  /** True when no key exists anywhere: requests need no key. */
  open: () => boolean;
}

const BEARER = /^\s*Bearer\s+(.+?)\s*$/i;

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = BEARER.exec(h);
  return m ? m[1]!.trim() : undefined;
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function hashForRecord(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export class Authenticator {
  private readonly masterHashId: string | undefined;
  constructor(private readonly opts: AuthOptions) {
    this.masterHashId = opts.masterKey ? hashForRecord(opts.masterKey) : undefined;
  }

  /** The caller; synchronous (no promise) when no stored-key lookup is needed. Throws 401. */
  authenticate(req: IncomingMessage): Principal | Promise<Principal> {
    const token = bearerToken(req);
    if (token === undefined) {
      if (this.opts.open()) return { kind: 'anonymous', id: 'anonymous' };
      throw unauthorized('missing API key: send "Authorization: Bearer <key>"');
    }
    if (this.opts.masterKey !== undefined && safeEqual(token, this.opts.masterKey)) return { kind: 'master', id: this.masterHashId! };
    if (this.opts.resolveKey !== undefined) {
      const p = this.opts.resolveKey(token);
      return p instanceof Promise ? p.then((found) => found ?? this.fallback()) : p ?? this.fallback();
    }
    return this.fallback();
  }

  /** A token that is no key: fine on an open gateway, else 401. */
  private fallback(): Principal {
    if (this.opts.open()) return { kind: 'anonymous', id: 'anonymous' };
    throw unauthorized('invalid API key');
  }
}

export function unauthorized(message: string): GatewayError {
  return new GatewayError(401, message, { metadata: { error_type: 'authentication' }, retryable: false });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
