/**
 * Response bodies that are not undici's: a teed body (recording) and a body played back from a
 * cassette (replay). Both are Readables with the `text()`/`each()` readers the router uses, so
 * the attempt loop reads them exactly as it reads a live upstream body.
 */
import { Readable } from 'node:stream';
import type { UpstreamBody } from '../types.js';

/** Wraps an async iterable of byte chunks as an upstream body; each chunk arrives as one read. */
export function bodyFrom(chunks: AsyncIterable<Uint8Array>): UpstreamBody {
  // object mode: each chunk stays one read, so recorded boundaries survive buffering
  const stream = Readable.from(chunks, { objectMode: true });
  const collect = async (): Promise<Buffer> => {
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(parts);
  };
  return Object.assign(stream, {
    text: async () => (await collect()).toString('utf8'),
    each: async (fn: (chunk: Uint8Array) => boolean | void) => {
      for await (const c of stream) if (fn(c as Uint8Array) === false) break; // break destroys the stream
    },
    json: async () => JSON.parse((await collect()).toString('utf8')),
    arrayBuffer: async () => {
      const b = await collect();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    },
    bytes: async () => new Uint8Array(await collect()),
    dump: async () => {
      stream.destroy();
    },
  }) as unknown as UpstreamBody;
}

export interface BodyObserver {
  chunk(bytes: Uint8Array): void;
  /** The body ended (`complete`), failed (`error`), or was dropped early by its reader (neither). The body ends once this settles. */
  end(outcome: { complete: boolean; error?: unknown }): void | Promise<void>;
}

/** A body that hands each chunk to `observer` as the reader pulls it, with the chunking as received. */
export function teeBody(body: UpstreamBody, observer: BodyObserver): UpstreamBody {
  async function* pull(): AsyncGenerator<Uint8Array> {
    let error: unknown;
    let complete = false;
    try {
      for await (const chunk of body) {
        observer.chunk(chunk as Uint8Array);
        yield chunk as Uint8Array;
      }
      complete = true;
    } catch (e) {
      error = e;
      throw e;
    } finally {
      body.destroy();
      await observer.end(error === undefined ? { complete } : { complete, error });
    }
  }
  return bodyFrom(pull());
}
