/**
 * The per-endpoint circuit breaker through the real gateway: after `failure_threshold`
 * consecutive failures an endpoint gets no traffic; after `cooldown_ms` one probe request goes
 * to it first; a good probe closes the breaker, a bad one reopens it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeServer } from '../fakes/harness.js';
import { sleep } from '../fakes/harness.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { post, routingConfig, startFakes, stopAll } from './routing-fixtures.js';

const err500 = { kind: 'json', status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } } as const;
const COOLDOWN = 400;

let fakes: Record<string, FakeServer>;
let gw: TestGateway;
before(async () => {
  fakes = await startFakes(['primary', 'backup']);
  gw = await startGateway(
    routingConfig(fakes, [{ name: 'primary', promptPerM: 1 }, { name: 'backup', promptPerM: 3 }], {
      routing: { health: { failure_threshold: 2, cooldown_ms: COOLDOWN } },
    }),
  );
});
after(async () => {
  await gw.close();
  await stopAll(fakes);
});

const cheapestFirst = { provider: { sort: 'price' } };

describe('circuit breaker', () => {
  test('opens after consecutive failures, probes after the cool-down, and recovers', async () => {
    fakes.primary!.enqueue(err500, err500);
    for (let i = 0; i < 2; i++) {
      const r = await post(gw.baseURL, cheapestFirst);
      assert.equal(r.body.provider, 'backup', 'each failure fell back');
    }
    assert.equal(fakes.primary!.requests.length, 2);

    // open: primary gets nothing, even though it is the cheapest
    for (let i = 0; i < 5; i++) assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'backup');
    assert.equal(fakes.primary!.requests.length, 2, 'no traffic while open');

    // half-open: a failed probe reopens it for another cool-down
    await sleep(COOLDOWN + 50);
    fakes.primary!.enqueue(err500);
    assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'backup');
    assert.equal(fakes.primary!.requests.length, 3, 'one probe went to primary');
    assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'backup');
    assert.equal(fakes.primary!.requests.length, 3, 'open again after the failed probe');

    // the next probe succeeds: closed, primary serves again
    await sleep(COOLDOWN + 50);
    assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'primary', 'probe served');
    for (let i = 0; i < 3; i++) assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'primary');
  });

  test('an open endpoint is still tried last when every other one fails', async () => {
    fakes.primary!.enqueue(err500, err500);
    await post(gw.baseURL, cheapestFirst);
    await post(gw.baseURL, cheapestFirst); // primary open again
    fakes.backup!.enqueue(err500);
    const r = await post(gw.baseURL, cheapestFirst);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.provider, 'primary');
  });

  test('a 400 from an endpoint does not count against its health', async () => {
    const bad = { kind: 'json', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } } } as const;
    await sleep(COOLDOWN + 50);
    assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'primary'); // probe closes it
    fakes.primary!.enqueue(bad, bad, bad);
    for (let i = 0; i < 3; i++) assert.equal((await post(gw.baseURL, cheapestFirst)).status, 400);
    assert.equal((await post(gw.baseURL, cheapestFirst)).body.provider, 'primary');
  });
});
