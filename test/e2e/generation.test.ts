/**
 * The generation log end to end: every request gets a durable record, complete and correct for
 * success, fallback, error and client cancel; GET /api/v1/generation answers in OpenRouter's
 * shape (parsed by @openrouter/sdk's generations.getGeneration); unknown ids are 404; records
 * survive a restart of the gateway on the same database file; `switchyard generations` lists them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OpenRouter } from '@openrouter/sdk';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { sleep } from '../fakes/harness.js';
import { stream, streamFrames } from '../fakes/openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { pgAvailable, SERVICES_HINT, tempPgDatabase } from '../helpers/services.js';
import { MODEL, post, routingConfig, startFakes, stopAll } from './routing-fixtures.js';

const err500 = { kind: 'json', status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } } as const;

let fakes: Record<string, FakeServer>;
let dir: string;
let dbPath: string;
let doc: Record<string, unknown>;
let gw: TestGateway;

before(async () => {
  fakes = await startFakes(['first', 'second']);
  dir = mkdtempSync(join(tmpdir(), 'sy-gen-'));
  dbPath = join(dir, 'switchyard.db');
  doc = routingConfig(
    fakes,
    [
      { name: 'first', promptPerM: 1, completionPerM: 2 },
      { name: 'second', promptPerM: 3, completionPerM: 4 },
    ],
    { storage: { path: dbPath }, generations: { flush_ms: 50 }, routing: { health: { failure_threshold: 1000 } } },
  );
  gw = await startGateway(doc);
});
after(async () => {
  await gw.close();
  await stopAll(fakes);
  rmSync(dir, { recursive: true, force: true });
});

const ordered = { provider: { sort: 'price' } };

async function generation(id: string, base = gw.baseURL): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}/generation?id=${encodeURIComponent(id)}`);
  return { status: r.status, body: await r.json() };
}

/** Polls until the record exists (the after-hook runs once the response is complete). */
async function waitFor(id: string): Promise<any> {
  for (let i = 0; i < 100; i++) {
    const g = await generation(id);
    if (g.status === 200) return g.body.data;
    await sleep(20);
  }
  throw new Error(`no generation ${id}`);
}

const ids: Record<string, string> = {};

describe('generation records', () => {
  test('success: tokens, cost, provider, upstream model, timings', async () => {
    const r = await post(gw.baseURL, ordered);
    assert.equal(r.status, 200);
    ids.success = r.body.id;
    const g = await waitFor(r.body.id);
    assert.equal(g.id, r.body.id);
    assert.equal(g.model, MODEL);
    assert.equal(g.provider_name, 'first');
    assert.equal(g.streamed, false);
    assert.equal(g.cancelled, false);
    assert.equal(g.finish_reason, 'stop');
    assert.equal(g.native_finish_reason, 'stop');
    assert.equal(g.tokens_prompt, 12);
    assert.equal(g.tokens_completion, 9);
    assert.equal(g.native_tokens_reasoning, 0);
    assert.equal(g.native_tokens_cached, 0);
    assert.ok(Math.abs(g.total_cost - (12 * 1e-6 + 9 * 2e-6)) < 1e-12, String(g.total_cost));
    assert.equal(g.usage, g.total_cost);
    assert.equal(g.total_cost, r.body.usage.cost, 'same cost as the response reported');
    assert.match(g.upstream_id, /^chatcmpl-/);
    assert.equal(typeof g.latency, 'number');
    assert.ok(!Number.isNaN(Date.parse(g.created_at)));
    assert.deepEqual(g.provider_responses.map((p: any) => [p.provider_name, p.status, p.model_permaslug]), [['first', 200, 'first-model']]);
    assert.equal(g.status, 200);
    // every key of OpenRouter's generation object (spec §5.3) is present
    const SPEC_KEYS = `id upstream_id request_id created_at model api_type app_id external_user http_referer origin user_agent
      provider_name provider_responses router preset_id streamed cancelled finish_reason native_finish_reason latency
      generation_time moderation_latency tokens_prompt tokens_completion native_tokens_prompt native_tokens_completion
      native_tokens_reasoning native_tokens_cached native_tokens_completion_images num_media_prompt num_media_completion
      num_input_audio_prompt num_search_results num_fetches web_search_engine usage total_cost cache_discount
      upstream_inference_cost is_byok service_tier data_region workspace_id session_id`.split(/\s+/);
    assert.deepEqual(SPEC_KEYS.filter((k) => !(k in g)), []);
  });

  test('streamed: time to first token and tokens/s', async () => {
    fakes.first!.enqueue(stream(streamFrames({ text: ['a', 'b', 'c'] }), { delayMs: 15 }));
    const r = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true, ...ordered }) });
    const id = r.headers.get('x-generation-id')!;
    const text = await r.text();
    const g = await waitFor(id);
    assert.equal(g.streamed, true);
    assert.equal(g.finish_reason, 'stop');
    assert.equal(g.tokens_completion, 9);
    const usageChunk = text.split('\n\n').filter((f) => f.startsWith('data: {') && f.includes('"usage"')).map((f) => JSON.parse(f.slice(6)))[0];
    assert.ok(usageChunk?.usage?.cost > 0, 'the stream ends with a priced usage chunk');
    assert.equal(g.total_cost, usageChunk.usage.cost, 'the record has the cost the client was told');
    assert.equal(g.tokens_prompt, usageChunk.usage.prompt_tokens);
    assert.ok(g.latency > 0 && g.generation_time > 0, `ttft ${g.latency}, generation ${g.generation_time}`);
    assert.ok(g.tokens_per_second > 0);
  });

  test('fallback: every attempt with its status and error, the serving endpoint last', async () => {
    fakes.first!.enqueue(err500);
    const r = await post(gw.baseURL, ordered);
    assert.equal(r.body.provider, 'second');
    ids.fallback = r.body.id;
    const g = await waitFor(r.body.id);
    assert.equal(g.provider_name, 'second');
    assert.deepEqual(g.provider_responses.map((p: any) => [p.provider_name, p.status, p.model_permaslug]), [['first', 500, 'first-model'], ['second', 200, 'second-model']]);
    assert.match(g.provider_responses[0].error, /boom/);
    assert.ok(Math.abs(g.total_cost - (12 * 3e-6 + 9 * 4e-6)) < 1e-12, 'priced at the serving endpoint');
  });

  test('error: the status and message, no tokens', async () => {
    fakes.first!.enqueue({ kind: 'json', status: 400, body: { error: { message: 'context too long', type: 'invalid_request_error', param: null, code: null } } });
    const r = await post(gw.baseURL, ordered);
    assert.equal(r.status, 400);
    const id = r.headers.get('x-generation-id')!;
    ids.error = id;
    const g = await waitFor(id);
    assert.equal(g.status, 400);
    assert.match(g.error, /context too long/);
    assert.equal(g.finish_reason, 'error');
    assert.equal(g.tokens_prompt, 0);
    assert.equal(g.total_cost, 0);
    assert.deepEqual(g.provider_responses.map((p: any) => p.status), [400]);
  });

  test('client cancel mid-stream: cancelled, streamed, what was produced', async () => {
    fakes.first!.enqueue(stream(streamFrames({ text: Array.from({ length: 40 }, (_, i) => `w${i} `) }), { delayMs: 25 }));
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    const ac = new AbortController();
    const s = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'long' }], stream: true, ...ordered } as never, { signal: ac.signal });
    let id = '';
    try {
      for await (const c of s as unknown as AsyncIterable<{ id: string; choices: { delta: { content?: string } }[] }>) {
        id = c.id;
        if (c.choices[0]?.delta.content?.startsWith('w2')) ac.abort();
      }
    } catch {
      /* aborted */
    }
    assert.match(id, /^gen-/);
    const g = await waitFor(id);
    assert.equal(g.cancelled, true);
    assert.equal(g.streamed, true);
    assert.equal(g.provider_name, 'first');
    assert.equal(g.status, 499);
    assert.ok(g.tokens_completion > 0, 'estimated from the text sent');
    assert.ok(fakes.first!.last!.closedAt !== undefined, 'the upstream request was cancelled too');
  });

  test('unknown and missing ids', async () => {
    const g = await generation('gen-0-doesnotexist');
    assert.equal(g.status, 404);
    assert.equal(g.body.error.code, 404);
    const r = await fetch(`${gw.baseURL}/generation`);
    assert.equal(r.status, 400);
  });

  test('@openrouter/sdk generations.getGeneration parses the shape', async () => {
    const sdk = new OpenRouter({ apiKey: 'x', serverURL: gw.baseURL, retryConfig: { strategy: 'none' } });
    for (const id of [ids.success!, ids.fallback!, ids.error!]) {
      const res = await sdk.generations.getGeneration({ id });
      assert.equal(res.data.id, id);
      assert.equal(res.data.dataRegion, 'global');
      assert.equal(typeof res.data.totalCost, 'number');
    }
    const res = await sdk.generations.getGeneration({ id: ids.fallback! });
    assert.equal(res.data.providerName, 'second');
    assert.equal(res.data.providerResponses?.length, 2);
    await assert.rejects(sdk.generations.getGeneration({ id: 'gen-nope' }), (e: Error & { statusCode?: number }) => e.statusCode === 404 || /404/.test(e.message));
  });
});

describe('durability', () => {
  test('records survive a restart on the same database file', async () => {
    await gw.close();
    gw = await startGateway(doc);
    for (const id of Object.values(ids)) {
      const g = await generation(id);
      assert.equal(g.status, 200, id);
      assert.equal(g.body.data.id, id);
    }
    const again = await generation(ids.fallback!);
    assert.equal(again.body.data.provider_responses.length, 2);
  });

  test('switchyard generations --model M --since T prints them as a table', async () => {
    const cfg = join(dir, 'gw.yaml');
    writeFileSync(cfg, `storage:\n  path: ${JSON.stringify(dbPath)}\n`);
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'generations', '--config', cfg, '--model', MODEL, '--since', '1h'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.match(lines[0]!, /^time\s+id\s+model\s+provider\s+status/);
    for (const id of Object.values(ids)) assert.ok(out.stdout.includes(id), `${id} listed`);
    assert.ok(lines.length >= 2 + Object.keys(ids).length);
  });
});

describe('who may read a generation', () => {
  const MASTER = 'sk-master-generation-test';
  let keyed: TestGateway;
  before(async () => {
    keyed = await startGateway({ ...doc, master_key: MASTER, storage: { path: ':memory:' } });
  });
  after(() => keyed.close());

  const api = (path: string, key: string | undefined, init: RequestInit = {}) =>
    fetch(`${keyed.baseURL}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(key !== undefined ? { authorization: `Bearer ${key}` } : {}) } });

  test('a stored key sees its own generations only; the master key sees all; no key is a 401', async () => {
    const mk = async (name: string) => {
      const r = await api('/keys', MASTER, { method: 'POST', body: JSON.stringify({ name }) });
      assert.equal(r.status, 201, await r.clone().text());
      return ((await r.json()) as { key: string }).key;
    };
    const alice = await mk('alice');
    const bob = await mk('bob');
    const r = await api('/chat/completions', alice, { method: 'POST', body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(r.status, 200);
    const id = ((await r.json()) as { id: string }).id;
    let own = 0;
    for (let i = 0; i < 100 && own !== 200; i++) {
      own = (await api(`/generation?id=${id}`, alice)).status;
      if (own !== 200) await sleep(20);
    }
    assert.equal(own, 200);
    assert.equal((await api(`/generation?id=${id}`, MASTER)).status, 200);
    assert.equal((await api(`/generation?id=${id}`, bob)).status, 404);
    assert.equal((await api(`/generation?id=${id}`, undefined)).status, 401);
  });
});

describe('on PostgreSQL', () => {
  let pgdb: { url: string; drop(): Promise<void> } | undefined;
  let skip: string | false = false;
  before(async () => {
    if (!(await pgAvailable())) skip = SERVICES_HINT;
    else pgdb = await tempPgDatabase();
  });
  after(async () => {
    await pgdb?.drop();
  });

  test('the same record, and it survives a restart', async (t) => {
    if (skip !== false) return t.skip(skip);
    const pgDoc = { ...doc, storage: { type: 'postgres', url: pgdb!.url } };
    let g1 = await startGateway(pgDoc);
    fakes.first!.enqueue(err500);
    const r = await post(g1.baseURL, ordered);
    assert.equal(r.body.provider, 'second');
    await g1.close();
    g1 = await startGateway(pgDoc);
    try {
      const g = await generation(r.body.id, g1.baseURL);
      assert.equal(g.status, 200);
      assert.equal(g.body.data.provider_name, 'second');
      assert.equal(g.body.data.streamed, false);
      assert.equal(g.body.data.tokens_prompt, 12);
      assert.ok(Math.abs(g.body.data.total_cost - (12 * 3e-6 + 9 * 4e-6)) < 1e-12);
      assert.deepEqual(g.body.data.provider_responses.map((p: any) => p.status), [500, 200]);
    } finally {
      await g1.close();
    }
  });
});
