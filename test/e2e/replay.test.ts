/**
 * Record & replay: a conversation recorded through the gateway against a wire-level fake
 * (record_dir on the provider) replays offline from the cassette files (type: replay) with
 * byte-identical answers, streams included with their recorded chunking; a request that matches
 * no cassette is a 404 naming the closest cassette and the first differing field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import { openaiConfig, startGateway } from '../helpers/gateway.js';

const MODEL = 'openai/gpt-4o-mini';
const tool = {
  type: 'function',
  function: { name: 'search_gutenberg_books', description: 'Search books', parameters: { type: 'object', properties: { search_terms: { type: 'array', items: { type: 'string' } } }, required: ['search_terms'] } },
};
const first = { model: MODEL, tools: [tool], messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'What are the titles of some James Joyce books?' }] };
const second = {
  ...first,
  messages: [
    ...first.messages,
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["James Joyce"]}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '[{"id":4300,"title":"Ulysses"}]' },
  ],
};

/** The gateway's own per-response values (generation id, timestamp) differ on every call. */
const stable = (text: string) => text.replace(/gen-\d+-[A-Za-z0-9]+/g, 'gen-X').replace(/"created":\d+/g, '"created":0');

async function post(url: string, body: unknown): Promise<{ status: number; type: string | null; text: string }> {
  const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

let dir: string;
let fake: FakeServer;
const live: string[] = [];
const CASES = [first, { ...first, stream: true }, second, { ...second, stream: true }];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-cassettes-'));
  fake = await startFakeOpenAI();
  fake.enqueue(
    completion({ tool_calls: [{ id: 'call_1', name: 'search_gutenberg_books', arguments: '{"search_terms":["James Joyce"]}' }] }),
    stream(streamFrames({ toolCalls: [{ id: 'call_1', name: 'search_gutenberg_books', args: ['{"search_', 'terms":["James', ' Joyce"]}'] }] }), { fragment: { random: 23 } }),
    completion({ content: 'Ulysses — and Joyce wrote “Dubliners” too.' }),
    // multi-byte characters, possibly cut mid-sequence (then stored as base64 chunks)
    stream(streamFrames({ text: ['Ulysses — and ', 'Joyce wrote “Dubliners” too.'] }), { fragment: { random: 5 } }),
  );
  const gw = await startGateway(openaiConfig(fake.url, {
    providers: { fakeopenai: { type: 'openai', base_url: `${fake.url}/v1`, api_key: 'sk-upstream-secret', record_dir: dir } },
  }), {});
  try {
    for (const c of CASES) live.push((await post(gw.url, c)).text);
  } finally {
    await gw.close();
    await fake.stop();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

function replayConfig(replayDir: string, extra: Record<string, unknown> = {}) {
  return openaiConfig('http://unused.invalid', { providers: { fakeopenai: { type: 'replay', dir: replayDir, format: 'openai', ...extra } } });
}

describe('recording', () => {
  test('one readable JSON file per exchange, native format, credentials redacted', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 4);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      assert.doesNotMatch(text, /sk-upstream-secret/);
      const c = JSON.parse(text);
      assert.equal(c.provider, 'fakeopenai');
      assert.equal(c.format, 'openai');
      assert.equal(c.request.path, '/chat/completions');
      assert.equal(c.request.headers.authorization, '[REDACTED]');
      assert.equal(c.request.body.model, 'gpt-4o-mini'); // the upstream's model id: native body
      if (c.request.body.stream) {
        assert.ok(Array.isArray(c.response.chunks) && c.response.chunks.length > 3, 'stream stored chunk by chunk');
        assert.match(c.response.headers['content-type'], /event-stream/);
      } else {
        assert.equal(typeof c.response.body, 'object', 'JSON body stored as an object');
        assert.equal(c.response.status, 200);
      }
    }


  });
});

describe('replay', () => {
  test('answers every recorded request with byte-identical responses, offline', async () => {
    const gw = await startGateway(replayConfig(dir), {});
    try {
      for (let i = 0; i < CASES.length; i++) {
        const r = await post(gw.url, CASES[i]);
        assert.equal(r.status, 200, r.text);
        assert.equal(stable(r.text), stable(live[i]!), `case ${i}`);
        if ((CASES[i] as { stream?: boolean }).stream) assert.match(r.type ?? '', /event-stream/);
      }
    } finally {
      await gw.close();
    }
  });

  test('streams play back with the recorded chunking (re-recording the replay gives the same chunks)', async () => {
    const again = mkdtempSync(join(tmpdir(), 'switchyard-rerecord-'));
    const gw = await startGateway(replayConfig(dir, { record_dir: again }), {});
    try {
      for (const c of CASES) await post(gw.url, c);
    } finally {
      await gw.close();
    }
    const names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(readdirSync(again).sort(), names);
    for (const f of names) {
      const a = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const b = JSON.parse(readFileSync(join(again, f), 'utf8'));
      assert.deepEqual(b.response, a.response, f);
    }
    rmSync(again, { recursive: true, force: true });
  });

  test('no match: 404 in the error shape, naming the closest cassette and the first differing field', async () => {
    const gw = await startGateway(replayConfig(dir), {});
    try {
      const changed = { ...second, messages: [...second.messages.slice(0, 3), { role: 'tool', tool_call_id: 'call_1', content: '[]' }] };
      const r = await post(gw.url, changed);
      assert.equal(r.status, 404);
      const body = JSON.parse(r.text);
      assert.equal(body.error.code, 404);
      assert.match(body.error.message, /no cassette/);
      assert.match(body.error.message, /body\.messages\[3\]\.content/);
      assert.equal(body.error.metadata.first_difference.field, 'body.messages[3].content');
      assert.equal(body.error.metadata.first_difference.recorded, '[{"id":4300,"title":"Ulysses"}]');
      assert.equal(body.error.metadata.first_difference.received, '[]');
      const closest = JSON.parse(readFileSync(join(dir, body.error.metadata.closest_cassette), 'utf8'));
      assert.equal(closest.request.body.messages.length, 4);
      assert.equal(closest.request.body.stream, undefined, 'the closest is the non-streaming one');

      const streamed = await post(gw.url, { ...changed, stream: true });
      assert.equal(streamed.status, 404, 'before the first byte: a real status, not a stream');
    } finally {
      await gw.close();
    }
  });

  test('volatile fields do not affect matching', async () => {
    const gw = await startGateway(replayConfig(dir), {});
    try {
      const r = await post(gw.url, { ...first, user: 'someone-else' });
      assert.equal(r.status, 200, r.text);
    } finally {
      await gw.close();
    }
  });

  test('config errors name the problem', async () => {
    await assert.rejects(startGateway(openaiConfig('http://x', { providers: { fakeopenai: { type: 'replay', format: 'nope' } } }), {}), (e: Error) => {
      assert.match(e.message, /providers\.fakeopenai\.dir: required/);
      assert.match(e.message, /providers\.fakeopenai\.format: unknown wire format "nope"/);
      return true;
    });
  });
});

describe('every wire format: record through the native adapter, replay byte-identical', () => {
  const synthesizedIds = (t: string) => stable(t).replace(/call_[A-Za-z0-9]{12}_(\d+)/g, 'call_X_$1');

  async function roundTrip(name: string, format: string, start: () => Promise<FakeServer>, config: (url: string, extra: Record<string, unknown>) => Record<string, unknown>, secret: string, model: string) {
    const cdir = mkdtempSync(join(tmpdir(), `switchyard-${name}-`));
    const up = await start();
    const bodies = [{ model, tools: [tool], messages: first.messages }, { model, tools: [tool], messages: first.messages, stream: true }];
    const liveAnswers: string[] = [];
    const gw = await startGateway(config(up.url, { record_dir: cdir }), {});
    try {
      for (const b of bodies) {
        const r = await post(gw.url, b);
        assert.equal(r.status, 200, r.text);
        liveAnswers.push(r.text);
      }
    } finally {
      await gw.close();
      await up.stop();
    }
    const files = readdirSync(cdir);
    assert.equal(files.length, 2);
    for (const f of files) {
      const text = readFileSync(join(cdir, f), 'utf8');
      assert.ok(!text.includes(secret), `${name}: key redacted`);
      assert.equal(JSON.parse(text).format, format);
    }
    const providerName = Object.keys(config('http://x', {}).providers as object)[0]!;
    const replayDoc = config('http://unused.invalid', {});
    (replayDoc.providers as Record<string, unknown>)[providerName] = { type: 'replay', format, dir: cdir };
    const rgw = await startGateway(replayDoc, {});
    try {
      for (let i = 0; i < bodies.length; i++) {
        const r = await post(rgw.url, bodies[i]);
        assert.equal(r.status, 200, r.text);
        assert.equal(synthesizedIds(r.text), synthesizedIds(liveAnswers[i]!), `${name} case ${i}`);
      }
    } finally {
      await rgw.close();
      rmSync(cdir, { recursive: true, force: true });
    }
  }

  test('anthropic (SSE with named events, thinking signatures)', async () => {
    const a = await import('../fakes/anthropic.js');
    const blocks = [{ type: 'thinking' as const, thinking: 'Search for Joyce.' }, { type: 'tool_use' as const, id: 'toolu_rr1', name: 'search_gutenberg_books', input: { search_terms: ['James Joyce'] } }];
    await roundTrip('anthropic', 'anthropic', () => a.startFakeAnthropic({ fallback: a.answer(blocks, { fragment: { random: 17 } }) }),
      (url, extra) => a.anthropicConfig(url, { provider: extra }), a.ANTHROPIC_KEY, a.ANTHROPIC_MODEL);
  });

  test('gemini (key in a header, model in the path, CRLF SSE)', async () => {
    const g = await import('../fakes/gemini.js');
    const parts = [g.part.call('search_gutenberg_books', { search_terms: ['James Joyce'] })];
    await roundTrip('gemini', 'gemini', () => g.startFakeGemini({ fallback: (req) => (req.path.includes('stream') ? g.streamReply([parts], { fragment: { random: 13 } }) : g.reply(parts)) }),
      (url, extra) => g.geminiConfig(url, { providerExtra: extra }) as Record<string, unknown>, g.GEMINI_KEY, g.GEMINI_MODEL);
  });
});
