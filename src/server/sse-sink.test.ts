import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ResponseSink } from './sse-sink.js';

/**
 * Each test installs the handler of the next request; the handler gets the ServerResponse with its
 * res.write calls counted.
 */
type Handler = (res: ServerResponse, writes: () => number) => void | Promise<void>;
let server: Server;
let port: number;
let next: Handler;
/** The running handler: a test awaits it, so an assertion failing inside fails the test. */
let handled: Promise<void> = Promise.resolve();

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    let n = 0;
    const w = res.write;
    res.write = function (this: ServerResponse, ...a: unknown[]) {
      n++;
      return (w as (...x: unknown[]) => boolean).apply(this, a);
    } as typeof res.write;
    req.on('end', () => {
      handled = Promise.resolve().then(() => next(res, () => n));
      handled.catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/** Opens a request; resolves with the response once headers arrive. */
function open(): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/' }, resolve);
    r.on('error', reject);
    r.end('{}');
  });
}

/** Resolves once the body received so far ends with `suffix`. */
function receivedUpTo(res: IncomingMessage, got: { text: string }, suffix: string): Promise<void> {
  return new Promise((resolve) => {
    if (got.text.endsWith(suffix)) return resolve();
    const on = () => {
      if (!got.text.endsWith(suffix)) return;
      res.off('data', on);
      resolve();
    };
    res.on('data', on);
  });
}

/** Resolves when the response is over (ended or cut), then with the handler's own outcome. */
async function finished(res: IncomingMessage): Promise<void> {
  if (!res.closed) await new Promise((r) => res.once('close', r));
  await handled;
}

function collect(res: IncomingMessage): { text: string } {
  const got = { text: '' };
  res.setEncoding('utf8');
  res.on('data', (d: string) => (got.text += d));
  return got;
}

const frame = (s: string) => `data: ${s}\n\n`;

describe('ResponseSink', { timeout: 5000 }, () => {
  test('frames of one upstream read go out in one res.write in the same event-loop turn, before the next read; end() sends the rest with the end', async () => {
    let counts: number[] = [];
    let clientGot: { text: string } | undefined;
    let resRef: IncomingMessage | undefined;
    const ready = new Promise<void>((r) => (next = async (res, writes) => {
      const sink = new ResponseSink(res, 'gen-1', 0);
      // read 1: three frames
      sink.write(frame('a'));
      assert.equal(sink.committed, true, 'headers are set with the first frame');
      sink.write(frame('b'));
      sink.write(frame('c'));
      assert.equal(writes(), 0, 'nothing written synchronously');
      await Promise.resolve(); // the stream loop's await for the next read
      assert.equal(writes(), 0, 'still gathering while the turn runs (the end may come in this turn)');
      await new Promise((x) => setImmediate(x)); // the turn is over: the next read comes in a later poll phase
      counts.push(writes());
      r();
      // the next upstream read does not come until the client has the first read's frames:
      // a sink that held them back for the next read would hang here
      while (resRef === undefined || clientGot === undefined) await new Promise((x) => setImmediate(x));
      await receivedUpTo(resRef, clientGot, frame('c'));
      // read 2: two frames, then the stream ends in the same tick
      sink.write(frame('d'));
      sink.write(frame('[DONE]'));
      sink.stopComments();
      sink.end();
      counts.push(writes());
    }));
    const res = await open();
    resRef = res;
    assert.equal(res.headers['content-type'], 'text/event-stream');
    assert.equal(res.headers['x-generation-id'], 'gen-1');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['x-accel-buffering'], 'no', 'proxies (nginx) must not buffer the stream');
    assert.equal(res.headers['connection'], 'keep-alive');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    clientGot = collect(res);
    await ready;
    await finished(res);
    assert.equal(clientGot.text, ['a', 'b', 'c', 'd', '[DONE]'].map(frame).join(''));
    assert.deepEqual(counts, [1, 1], 'one res.write for read 1; read 2 leaves with res.end');
  });

  test('an answer whose frames and end arrive in one turn leaves with res.end alone (one socket write)', async () => {
    let writesAtEnd = -1;
    let ended = false;
    next = async (res, writes) => {
      const sink = new ResponseSink(res, 'gen-4', 0);
      const end = res.end;
      res.end = function (this: ServerResponse, ...a: unknown[]) {
        ended = true;
        return (end as (...x: unknown[]) => ServerResponse).apply(this, a);
      } as typeof res.end;
      for (const s of ['a', 'b', '[DONE]']) {
        sink.write(frame(s));
        await Promise.resolve(); // the stream loop between frames of one read, and seeing the end
      }
      sink.end();
      writesAtEnd = writes();
      await new Promise((x) => setImmediate(x)); // the queued flush finds nothing left
      assert.equal(writes(), 0, 'no write after the end');
    };
    const res = await open();
    const got = collect(res);
    await finished(res);
    assert.equal(got.text, ['a', 'b', '[DONE]'].map(frame).join(''));
    assert.equal(writesAtEnd, 0, 'no res.write: every frame went with res.end');
    assert.equal(ended, true);
  });

  test('frames written in separate reads are written separately (never held for a later read)', async () => {
    let writesAtEnd = 0;
    next = async (res, writes) => {
      const sink = new ResponseSink(res, 'gen-2', 0);
      let i = 0;
      for (const s of ['a', 'b', 'c']) {
        sink.write(frame(s));
        await new Promise((x) => setImmediate(x)); // a socket read per frame
        assert.equal(writes(), ++i, 'written before the next read');
      }
      writesAtEnd = writes();
      sink.end();
    };
    const res = await open();
    const got = collect(res);
    await finished(res);
    assert.equal(got.text, ['a', 'b', 'c'].map(frame).join(''));
    assert.equal(writesAtEnd, 3);
  });

  test('keep-alive comments until the first frame, then none; headers go with the first comment', async () => {
    next = async (res) => {
      const sink = new ResponseSink(res, 'gen-3', 15);
      await new Promise((x) => setTimeout(x, 50));
      sink.write(frame('a'));
      await new Promise((x) => setTimeout(x, 50));
      sink.stopComments();
      sink.end();
    };
    const res = await open();
    const got = collect(res);
    await finished(res);
    const comments = got.text.split(': SWITCHYARD PROCESSING\n\n');
    assert.ok(comments.length >= 2, 'at least one comment before data');
    assert.equal(comments.at(-1), frame('a'), 'no comment after the first frame');
  });

  test('keep-alive comments of concurrent streams: none before a period has passed, each stream its own, one timer stopped once nobody waits', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    let n = 0;
    next = async (res) => {
      const k = n++;
      // stream 0 gets its first data before its period is over, stream 1 after ~6 periods, stream 2 never sends any
      const sink = new ResponseSink(res, `gen-${k}`, k === 0 ? 400 : 25);
      await new Promise((x) => setTimeout(x, k === 0 ? 150 : 160)); // stream 0: past its clock's first ticks (every 100 ms), short of its period
      if (k !== 2) sink.write(frame(String(k)));
      sink.stopComments();
      sink.end();
    };
    const texts = await Promise.all(
      [0, 1, 2].map(async () => {
        const res = await open();
        const got = collect(res);
        await new Promise((r) => res.once('close', r));
        return got.text;
      }),
    );
    await handled;
    const comments = texts.map((t) => t.split(': SWITCHYARD PROCESSING\n\n').length - 1);
    assert.equal(comments[0], 0, 'no comment before its period');
    assert.equal(texts[0], frame('0'));
    for (const k of [1, 2]) assert.ok(comments[k]! >= 1 && comments[k]! <= 160 / 25, `stream ${k}: ${comments[k]} comments`);
    assert.ok(texts[1]!.endsWith(frame('1')), 'the frame after the comments');
    // the clocks tick every period / 4 and stop at a tick that finds nobody waiting
    await new Promise((x) => setTimeout(x, 250));
    assert.equal(timers(), before, 'no timer left behind');
  });

  test('a client that disconnects: buffered frames and later writes are dropped without an error', async () => {
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    let errors = 0;
    next = async (res) => {
      res.on('error', () => errors++);
      const sink = new ResponseSink(res, 'gen-4', 0);
      sink.write(frame('a'));
      await new Promise((x) => res.once('close', x));
      sink.write(frame('b')); // after the client left
      await Promise.resolve();
      sink.end();
      done();
    };
    const res = await open();
    await new Promise<void>((r) => res.once('data', () => r()));
    res.destroy();
    await finished;
    assert.equal(errors, 0);
  });
});
