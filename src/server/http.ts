/** Small HTTP helpers for plain node:http: body reading with a limit, JSON and error replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../schema/errors.js';
import { parseJsonWithRaw, type ParsedBody } from '../schema/raw-json.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  // a flat [name, value, …] list: node:http takes it as is (an object costs a key walk and a copy)
  const list: (string | number)[] = ['content-type', 'application/json', 'content-length', Buffer.byteLength(text)];
  if (headers !== undefined) for (const k in headers) list.push(k, headers[k]!);
  res.writeHead(status, list);
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown, extraHeaders?: Record<string, string>): void {
  const e = toGatewayError(err);
  sendJson(res, e.status, e.toBody(), { ...e.headers, ...extraHeaders });
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError(500, 'internal error', { metadata: { error_type: 'server' }, retryable: false, cause: err });
}

/** Reads the whole body into one Buffer; 413 past `limit` bytes (checked before reading when content-length says so). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new GatewayError(413, `request body is ${declared} bytes; the limit is ${limit}`, { metadata: { error_type: 'payload_too_large' }, retryable: false }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new GatewayError(413, `request body is over the limit of ${limit} bytes`, { metadata: { error_type: 'payload_too_large' }, retryable: false }));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export function parseJsonBody(buf: Buffer): unknown {
  return parseBody(buf, JSON.parse);
}

/** parseJsonBody, also noting the text of the body's top-level members (src/schema/raw-json.ts). */
export function parseJsonBodyWithRaw(buf: Buffer): ParsedBody {
  return parseBody(buf, parseJsonWithRaw);
}

/** An empty body or one that is not JSON → 400 with the parser's reason. */
function parseBody<T>(buf: Buffer, parse: (text: string) => T): T {
  if (buf.length === 0) throw new GatewayError(400, 'request body is empty; send a JSON object', { retryable: false });
  try {
    return parse(buf.toString('utf8'));
  } catch (e) {
    throw new GatewayError(400, `request body is not valid JSON: ${(e as Error).message}`, { retryable: false });
  }
}
