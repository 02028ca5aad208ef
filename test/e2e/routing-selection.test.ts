/**
 * Endpoint selection across several wire-level fakes serving one model: OpenRouter's
 * inverse-square price weighting, provider.sort (price / throughput / latency), order, only,
 * ignore, max_price (numbers and strings), data_collection, zdr, quantizations,
 * require_parameters and the soft tools preference, through the real gateway.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { stream, streamFrames } from '../fakes/openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { count, many, MODEL, post, routingConfig, startFakes, stopAll } from './routing-fixtures.js';

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const NO_TOOLS = ['temperature', 'max_tokens', 'stop'];

let fakes: Record<string, FakeServer>;
before(async () => {
  fakes = await startFakes(['cheap', 'mid', 'dear']);
});
after(() => stopAll(fakes));

function reset() {
  for (const f of Object.values(fakes)) f.requests.length = 0;
}

describe('default load balancing', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway(routingConfig(fakes, [
      { name: 'cheap', promptPerM: 1 },
      { name: 'mid', promptPerM: 2 },
      { name: 'dear', promptPerM: 4 },
    ]));
  });
  after(() => gw.close());

  test('first choice is drawn with weight 1/price²: 1 : 1/4 : 1/16 over 240 requests', async () => {
    reset();
    const served = await many(240, 16, async () => (await post(gw.baseURL, {})).body.provider as string);
    const n = (p: string) => served.filter((s) => s === p).length;
    // expected shares 16/21, 4/21, 1/21 → 182.9, 45.7, 11.4 (binomial sd ≈ 6.6, 6.1, 3.3): about 4 sd of tolerance
    assert.ok(Math.abs(n('cheap') - 183) <= 27, `cheap served ${n('cheap')}`);
    assert.ok(Math.abs(n('mid') - 46) <= 25, `mid served ${n('mid')}`);
    assert.ok(n('dear') >= 1 && n('dear') <= 26, `dear served ${n('dear')}`);
    assert.deepEqual(count(fakes), { cheap: n('cheap'), mid: n('mid'), dear: n('dear') }, 'no request needed a second attempt');
  });
});

describe('provider preferences', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway(routingConfig(fakes, [
      { name: 'cheap', promptPerM: 1, endpoint: { supported_parameters: NO_TOOLS, quantization: 'fp8', data_collection: 'allow' } },
      { name: 'mid', promptPerM: 2, endpoint: { zdr: true, data_collection: 'deny', quantization: 'bf16' } },
      { name: 'dear', promptPerM: 4, endpoint: { data_collection: 'deny' } },
    ]));
  });
  after(() => gw.close());

  const servedBy = async (provider: Record<string, unknown>, n = 12, extra: Record<string, unknown> = {}) => {
    const out = new Set<string>();
    for (let i = 0; i < n; i++) {
      const r = await post(gw.baseURL, { provider, ...extra });
      assert.equal(r.status, 200, r.text);
      out.add(r.body.provider);
    }
    return [...out].sort();
  };

  test('sort: "price" and {by: "price"} always take the cheapest', async () => {
    assert.deepEqual(await servedBy({ sort: 'price' }), ['cheap']);
    assert.deepEqual(await servedBy({ sort: { by: 'price', partition: 'none' } }), ['cheap']);
    assert.deepEqual(await post(gw.baseURL, { model: `${MODEL}:floor` }).then((r) => r.body.provider), 'cheap');
  });

  test('order puts the named providers first, in that order', async () => {
    assert.deepEqual(await servedBy({ order: ['dear', 'mid'] }), ['dear']);
    assert.deepEqual(await servedBy({ order: ['MID/mid-model'] }), ['mid'], 'provider/model slug, case-insensitive');
  });

  test('only and ignore', async () => {
    assert.deepEqual(await servedBy({ only: ['dear'] }), ['dear']);
    assert.deepEqual(await servedBy({ ignore: ['cheap', 'mid'] }), ['dear']);
    const none = await post(gw.baseURL, { provider: { only: ['nobody'] } });
    assert.equal(none.status, 404);
    assert.deepEqual(none.body.error.metadata.availability.excluded_by, ['allowed_providers']);
  });

  test('max_price in USD per million tokens, as numbers or strings', async () => {
    assert.deepEqual(await servedBy({ max_price: { prompt: 2.5 } }, 40), ['cheap', 'mid'], 'dear (4/M) excluded; the others balanced');
    assert.deepEqual(await servedBy({ max_price: { prompt: '2.5' }, ignore: ['cheap'] }), ['mid']);
    const r = await post(gw.baseURL, { provider: { max_price: { prompt: '0.5' } } });
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 404);
    assert.deepEqual(r.body.error.metadata.availability.excluded_by, ['max_price']);
    assert.match(r.body.error.message, /cheap \(cheap-model\) prompt price 1 exceeds max_price\.prompt 0\.5/);
    const bad = await post(gw.baseURL, { provider: { max_price: { prompt: 'lots' } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /provider\.max_price\.prompt/);
  });

  test('data_collection: deny, zdr and quantizations match endpoint flags', async () => {
    assert.deepEqual(await servedBy({ data_collection: 'deny', sort: 'price' }), ['mid']);
    assert.deepEqual(await servedBy({ zdr: true }), ['mid']);
    assert.deepEqual(await servedBy({ quantizations: ['fp8'] }), ['cheap']);
    assert.deepEqual(await servedBy({ quantizations: ['unknown'] }), ['dear'], 'no quantization flag counts as unknown');
  });

  test('require_parameters with tools never reaches an endpoint without tool support', async () => {
    reset();
    const served = await servedBy({ require_parameters: true, sort: 'price' }, 10, { tools: [weatherTool] });
    assert.deepEqual(served, ['mid']);
    assert.equal(fakes.cheap!.requests.length, 0);
  });

  test('tools steer routing even without require_parameters (soft filter, spec §7)', async () => {
    reset();
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    for (let i = 0; i < 10; i++) {
      const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'weather?' }], tools: [weatherTool as never] });
      assert.notEqual((r as unknown as { provider: string }).provider, 'cheap');
    }
    assert.equal(fakes.cheap!.requests.length, 0);
  });

  test('allow_fallbacks: false with order keeps to the named providers', async () => {
    assert.deepEqual(await servedBy({ order: ['dear'], allow_fallbacks: false }), ['dear']);
  });

  test('bad preferences are a 400', async () => {
    for (const provider of [{ sort: 'fastest' }, { order: 'cheap' }, { allow_fallbacks: 'no' }, { data_collection: 'maybe' }]) {
      const r = await post(gw.baseURL, { provider });
      assert.equal(r.status, 400, JSON.stringify(provider));
      assert.equal(r.body.error.code, 400);
    }
  });
});

describe('require_parameters when nothing is left', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway(routingConfig(fakes, [
      { name: 'cheap', endpoint: { supported_parameters: NO_TOOLS } },
      { name: 'mid', endpoint: { supported_parameters: ['tools', 'temperature'] } },
    ]));
  });
  after(() => gw.close());

  test('404 naming which parameter excluded which endpoint', async () => {
    const r = await post(gw.baseURL, { tools: [weatherTool], tool_choice: 'required', provider: { require_parameters: true } });
    assert.equal(r.status, 404);
    assert.equal(r.body.error.metadata.error_type, 'not_found');
    assert.equal(r.body.error.metadata.availability.code, 'constraint_filtered');
    assert.deepEqual(r.body.error.metadata.availability.excluded_by, ['require_parameters']);
    assert.match(r.body.error.message, /cheap \(cheap-model\) lacks tools, tool_choice/);
    assert.match(r.body.error.message, /mid \(mid-model\) lacks tool_choice/);
  });

  test('without require_parameters the unsupported parameter is dropped instead', async () => {
    reset();
    const r = await post(gw.baseURL, { tool_choice: 'required', tools: [weatherTool], provider: { only: ['cheap'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(fakes.cheap!.last!.body.tools, undefined);
  });
});

describe('sort by measured throughput and latency', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway(routingConfig(fakes, [
      { name: 'cheap', promptPerM: 1 },
      { name: 'mid', promptPerM: 2 },
    ]));
  });
  after(() => gw.close());

  test('throughput prefers the faster stream, latency the quicker first token', async () => {
    // cheap: slow first token and slow tokens; mid: quick on both
    fakes.cheap!.enqueue(stream(streamFrames({ text: ['a', 'b', 'c'] }), { headerDelayMs: 60, delayMs: 25 }));
    fakes.mid!.enqueue(stream(streamFrames({ text: ['a', 'b', 'c'] }), { delayMs: 2 }));
    for (const p of ['cheap', 'mid']) {
      const r = await post(gw.baseURL, { stream: true, provider: { order: [p], allow_fallbacks: false } });
      assert.equal(r.status, 200);
    }
    const via = async (sort: string) => (await post(gw.baseURL, { provider: { sort } })).body.provider;
    assert.equal(await via('throughput'), 'mid');
    assert.equal(await via('latency'), 'mid');
    assert.equal(await post(gw.baseURL, { model: `${MODEL}:nitro` }).then((r) => r.body.provider), 'mid', ':nitro sorts by throughput');
    assert.equal(await via('price'), 'cheap');
  });
});
