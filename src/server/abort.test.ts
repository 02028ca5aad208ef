import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { Pool } from 'undici';
import { RequestAbort } from './abort.js';

test('RequestAbort: listeners run once, removed ones not at all; the reason is an AbortError', () => {
  const a = new RequestAbort();
  const calls: string[] = [];
  const kept = () => calls.push('kept');
  const removed = () => calls.push('removed');
  a.signal.addEventListener('abort', kept, { once: true });
  a.signal.addEventListener('abort', removed);
  a.signal.removeEventListener('abort', removed);
  assert.equal(a.signal.aborted, false);
  a.abort();
  a.abort();
  assert.deepEqual(calls, ['kept']);
  assert.equal(a.signal.aborted, true);
  assert.equal((a.signal.reason as Error).name, 'AbortError');
});

test('RequestAbort cancels an undici request in flight', async () => {
  const server = createServer(() => undefined); // never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const pool = new Pool(`http://127.0.0.1:${port}`);
  const a = new RequestAbort();
  const pending = pool.request({ method: 'GET', path: '/', signal: a.signal });
  setTimeout(() => a.abort(), 20);
  await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
  await pool.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
