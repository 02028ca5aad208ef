/**
 * The built-in configuration (no config file): the offline replay demo always; with a provider
 * key in the environment, that provider and its tool-capable models, working end to end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { createGateway } from '../../src/server/app.js';
import { completion, startFakeOpenAI } from '../fakes/openai.js';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'sy-noconfig-'));

test('no file, no key: only switchyard/replay-demo, over the Anthropic wire format', () => {
  const { config } = loadConfig({ cwd: emptyDir(), env: {} });
  assert.deepEqual(config.models.map((m) => m.id), ['switchyard/replay-demo']);
  const p = config.providers.get('replay')!;
  assert.equal(p.type, 'replay');
  assert.equal(p.format, 'anthropic');
  assert.ok(config.models[0]!.supported_parameters.includes('tools'));
});

test('provider keys configure their providers and tool-capable models', () => {
  const { config } = loadConfig({ cwd: emptyDir(), env: { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', GEMINI_API_KEY: 'g' } });
  assert.deepEqual([...config.providers.keys()].sort(), ['anthropic', 'google', 'openai', 'replay']);
  assert.equal(config.providers.get('openai')!.api_key, 'sk-o');
  assert.equal(config.providers.get('anthropic')!.base_url, 'https://api.anthropic.com');
  const ids = config.models.map((m) => m.id);
  for (const id of ['openai/gpt-5', 'openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5', 'google/gemini-2.5-flash']) assert.ok(ids.includes(id), id);
  for (const m of config.models) {
    assert.ok(m.supported_parameters.includes('tools'), `${m.id} takes tools`);
    assert.ok(Number(m.endpoints[0]!.pricing.prompt) >= 0);
  }
  const mini = config.models.find((m) => m.id === 'openai/gpt-4o-mini')!;
  assert.equal(mini.endpoints[0]!.pricing.prompt, '0.00000015');
  assert.equal(mini.endpoints[0]!.model, 'gpt-4o-mini');
  const only = loadConfig({ cwd: emptyDir(), env: { ANTHROPIC_API_KEY: 'sk-a' } }).config;
  assert.deepEqual([...only.providers.keys()].sort(), ['anthropic', 'replay']);
});

test('an auto-configured provider serves requests (OPENAI_BASE_URL pointed at the fake)', async () => {
  const fake = await startFakeOpenAI();
  const { config } = loadConfig({ cwd: emptyDir(), env: { OPENAI_API_KEY: 'sk-auto', OPENAI_BASE_URL: `${fake.url}/v1` } });
  const gw = createGateway(config, { logger: pino({ level: 'silent' }), extensions: {} });
  try {
    const url = await gw.listen(0, '127.0.0.1');
    fake.enqueue(completion({ content: 'hi' }));
    const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.provider, 'openai');
    assert.equal(fake.last!.headers.authorization, 'Bearer sk-auto');
    assert.equal(fake.last!.body.model, 'gpt-4o-mini');
  } finally {
    await gw.close();
    await fake.stop();
  }
});
