/** /api/v1/models (shape, supported_parameters filter, paging), endpoints, health, and bearer auth. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { OpenRouter } from '@openrouter/sdk';
import type { FakeServer } from '../fakes/harness.js';
import { completion, startFakeOpenAI } from '../fakes/openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let fake: FakeServer;
let gw: TestGateway;
const MASTER = 'sk-master-test-123';

before(async () => {
  fake = await startFakeOpenAI();
  gw = await startGateway(
    {
      master_key: MASTER,
      providers: { up: { type: 'openai', base_url: `${fake.url}/v1`, api_key: 'sk-upstream' } },
      models: [
        {
          id: 'openai/gpt-4o-mini',
          name: 'GPT-4o mini',
          context_length: 128000,
          endpoints: [{ provider: 'up', model: 'gpt-4o-mini', pricing: { prompt: '0.00000015', completion: '0.0000006' } }],
        },
        {
          id: 'acme/no-tools',
          name: 'No tools',
          context_length: 4096,
          supported_parameters: ['temperature', 'max_tokens'],
          endpoints: [{ provider: 'up', model: 'plain' }],
        },
        { id: 'acme/third', endpoints: [{ provider: 'up', model: 'third' }] },
      ],
    },
    {},
  );
});
after(async () => {
  await gw.close();
  await fake.stop();
});

const get = async (path: string, key: string | undefined = MASTER) => {
  const res = await fetch(`${gw.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, json: await res.json() };
};

describe('models', () => {
  test('list has OpenRouter model objects', async () => {
    const { status, json } = await get('/api/v1/models');
    assert.equal(status, 200);
    assert.equal(json.total_count, 3);
    assert.equal(json.links.next, null);
    const m = json.data[0];
    assert.equal(m.id, 'openai/gpt-4o-mini');
    assert.equal(m.context_length, 128000);
    assert.equal(m.pricing.prompt, '0.00000015');
    assert.ok(m.supported_parameters.includes('tools'));
    for (const k of ['canonical_slug', 'name', 'created', 'architecture', 'top_provider', 'per_request_limits', 'default_parameters', 'supported_voices', 'links'])
      assert.ok(k in m, `missing ${k}`);
  });

  test('?supported_parameters filters (comma list = all required)', async () => {
    const tools = await get('/api/v1/models?supported_parameters=tools');
    assert.deepEqual(tools.json.data.map((m: { id: string }) => m.id), ['openai/gpt-4o-mini', 'acme/third']);
    const both = await get('/api/v1/models?supported_parameters=temperature,max_tokens');
    assert.equal(both.json.data.length, 3);
    const none = await get('/api/v1/models?supported_parameters=tools,web_search_options');
    assert.equal(none.json.data.length, 0);
  });

  test('paging with offset/limit', async () => {
    const p1 = await get('/api/v1/models?limit=2&offset=0');
    assert.equal(p1.json.data.length, 2);
    assert.ok(p1.json.links.next.includes('offset=2'));
    const p2 = await get('/api/v1/models?limit=2&offset=2');
    assert.equal(p2.json.data.length, 1);
    assert.equal(p2.json.links.next, null);
  });

  test('endpoints of a model; 404 for an unknown one', async () => {
    const { json } = await get('/api/v1/models/openai/gpt-4o-mini/endpoints');
    assert.equal(json.data.id, 'openai/gpt-4o-mini');
    assert.equal(json.data.endpoints.length, 1);
    assert.equal(json.data.endpoints[0].provider_name, 'up');
    assert.deepEqual(json.data.endpoints[0].supports_tool_choice, { auto: true, none: true, required: true, function: true });
    const missing = await get('/api/v1/models/nope/nope/endpoints');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 404);
  });

  test('the openai SDK lists models', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/api/v1`, apiKey: MASTER });
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids, ['openai/gpt-4o-mini', 'acme/no-tools', 'acme/third']);
  });

  test('@openrouter/sdk parses models.list with a filter and the endpoints list', async () => {
    const sdk = new OpenRouter({ apiKey: MASTER, serverURL: `${gw.url}/api/v1`, retryConfig: { strategy: 'none' } });
    const res = await sdk.models.list({ supportedParameters: 'tools' });
    assert.deepEqual(res.result.data.map((m) => m.id), ['openai/gpt-4o-mini', 'acme/third']);
    const eps = await sdk.endpoints.list({ author: 'openai', slug: 'gpt-4o-mini' });
    assert.equal(eps.data.endpoints[0]!.providerName, 'up');
  });

  test('/health', async () => {
    const res = await fetch(`${gw.url}/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'ok');
  });
});

describe('auth', () => {
  const body = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  const chat = (headers: Record<string, string>) => fetch(`${gw.url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  test('missing key → 401 in the error shape', async () => {
    const r = await chat({});
    assert.equal(r.status, 401);
    const j = await r.json();
    assert.equal(j.error.code, 401);
    assert.match(j.error.message, /missing API key/);
  });

  test('wrong key → 401', async () => {
    const r = await chat({ authorization: 'Bearer sk-wrong' });
    assert.equal(r.status, 401);
    assert.match((await r.json()).error.message, /invalid API key/);
  });

  test('master key accepted; the upstream gets its own key, never the client\'s', async () => {
    fake.enqueue(completion({ content: 'ok' }));
    const r = await chat({ authorization: `Bearer ${MASTER}` });
    assert.equal(r.status, 200);
    assert.equal(fake.last!.headers.authorization, 'Bearer sk-upstream');
    assert.ok(!fake.last!.raw.toString().includes(MASTER));
  });
});
