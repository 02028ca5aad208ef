import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from './load.js';

const good = {
  master_key: '${SWITCHYARD_MASTER_KEY:-}',
  providers: { myopenai: { type: 'openai', api_key: '${OPENAI_API_KEY}', headers: { 'x-extra': 'y' } } },
  models: [{ id: 'openai/gpt-4o-mini', endpoints: [{ provider: 'myopenai', model: 'gpt-4o-mini', pricing: { prompt: '0.00000015', completion: '0.0000006' } }] }],
};

const problems = (doc: unknown): string[] => {
  try {
    parseConfig(doc, 'x.yaml', {});
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^invalid config x\.yaml:/);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
};

describe('config', () => {
  test('defaults: no file → built-in defaults, no live providers (only the offline replay demo), 127.0.0.1:8080', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-cfg-'));
    const { config } = loadConfig({ cwd: dir, env: {} });
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.server.port, 8080);
    assert.deepEqual([...config.providers.values()].filter((p) => p.type !== 'replay'), []);
    assert.equal(config.source, '(built-in defaults)');
  });

  test('${VAR} and ${VAR:-default} interpolation; provider defaults applied', () => {
    const { config, warnings } = parseConfig(good, 'x', { OPENAI_API_KEY: 'sk-live' });
    assert.equal(config.master_key, undefined);
    const p = config.providers.get('myopenai')!;
    assert.equal(p.api_key, 'sk-live');
    assert.equal(p.base_url, 'https://api.openai.com/v1');
    assert.equal(p.timeout_ms, 600000);
    assert.deepEqual(p.headers, { 'x-extra': 'y' });
    assert.deepEqual(warnings, []);
    const m = config.models[0]!;
    assert.ok(m.supported_parameters.includes('tools'), 'default supported_parameters of the provider type');
    const missing = parseConfig(good, 'x', {});
    assert.match(missing.warnings[0]!, /providers\.myopenai\.api_key: environment variable OPENAI_API_KEY is not set/);
  });

  test('precedence: --config, then SWITCHYARD_CONFIG, then ./switchyard.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-cfg-'));
    writeFileSync(join(dir, 'switchyard.yaml'), 'server:\n  port: 1111\n');
    writeFileSync(join(dir, 'env.json'), JSON.stringify({ server: { port: 2222 } }));
    writeFileSync(join(dir, 'flag.yaml'), 'server: { port: 3333 }\n');
    assert.equal(loadConfig({ cwd: dir, env: {} }).config.server.port, 1111);
    assert.equal(loadConfig({ cwd: dir, env: { SWITCHYARD_CONFIG: 'env.json' } }).config.server.port, 2222);
    assert.equal(loadConfig({ cwd: dir, env: { SWITCHYARD_CONFIG: 'env.json' }, path: 'flag.yaml' }).config.server.port, 3333);
  });

  test('errors name the path and what is wrong', () => {
    const bad = structuredClone(good) as any;
    bad.models[0].endpoints[0].provider = 'x';
    assert.deepEqual(problems(bad), ['models[0].endpoints[0].provider: unknown provider "x"']);
    assert.match(problems({ providers: { a: { type: 'nonsense' } } })[0]!, /^providers\.a\.type: unknown provider type "nonsense"/);
    assert.match(problems({ providers: { a: {} } })[0]!, /^providers\.a\.type: required/);
    assert.match(problems({ providers: { a: { type: 'openai-compatible' } } })[0]!, /^providers\.a\.base_url: required/);
    assert.match(problems({ ...good, models: [{ id: 'm', endpoints: [] }] })[0]!, /^models\[0\]\.endpoints: must be a non-empty list/);
    assert.match(problems({ ...good, models: [{ id: 'm', endpoints: [{ provider: 'myopenai', model: 'x', pricing: { prompt: 'cheap' } }] }] })[0]!, /^models\[0\]\.endpoints\[0\]\.pricing\.prompt: must be a decimal/);
    assert.match(problems({ ...good, models: [good.models[0], good.models[0]] })[0]!, /^models\[1\]\.id: duplicate model id/);
    assert.match(problems({ server: { port: 'eighty' } })[0]!, /^server\.port: must be a non-negative integer/);
    assert.deepEqual(problems({ ...good, models: [{ id: 'm', endpoints: [{ provider: 'myopenai', model: 'x', tools: 'emulate', tool_retry: 'yes' }] }] }), [
      'models[0].endpoints[0].tools: must be "native" or "emulated" (got "emulate")',
      'models[0].endpoints[0].tool_retry: must be true or false',
    ]);
  });

  test('catalog: true adds the provider type\'s built-in models; explicit models win', () => {
    const { config } = parseConfig(
      {
        providers: { groq: { type: 'groq', api_key: 'k', catalog: true }, oa: { type: 'openai', api_key: 'k', catalog: true } },
        models: [{ id: 'groq/llama-3.3-70b-versatile', name: 'Mine', endpoints: [{ provider: 'groq', model: 'llama-3.3-70b-versatile' }] }],
      },
      'x',
      {},
    );
    const byId = new Map(config.models.map((m) => [m.id, m]));
    assert.equal(byId.get('groq/llama-3.3-70b-versatile')!.name, 'Mine');
    const oss = byId.get('groq/openai/gpt-oss-120b')!;
    assert.equal(oss.endpoints[0]!.provider, 'groq');
    assert.equal(oss.endpoints[0]!.model, 'openai/gpt-oss-120b');
    assert.ok(oss.supported_parameters.includes('tools'));
    assert.ok(Number(oss.endpoints[0]!.pricing.prompt) > 0);
    assert.equal(byId.get('openai/gpt-5')!.endpoints[0]!.provider, 'oa');
    assert.match(problems({ providers: { v: { type: 'vllm', base_url: 'http://127.0.0.1:1/v1', catalog: true } } })[0]!, /^providers\.v\.catalog: type "vllm" has no built-in model catalog/);
    assert.match(problems({ providers: { g: { type: 'groq', catalog: 'yes' } } })[0]!, /^providers\.g\.catalog: must be true or false/);
  });

  test('unparsable file → error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-cfg-'));
    writeFileSync(join(dir, 'broken.yaml'), 'providers: [unclosed\n');
    assert.throws(() => loadConfig({ cwd: dir, path: 'broken.yaml', env: {} }), (e: unknown) => e instanceof ConfigError && /broken\.yaml/.test(e.message) && /cannot parse/.test(e.message));
  });

  test('the YAML parser loads only for a YAML file (a JSON config never pays for it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-cfg-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ server: { port: 1234 } }));
    writeFileSync(join(dir, 'c.yaml'), 'server:\n  port: 5678\n');
    // a fresh process: this one may have loaded yaml already
    const script = `
      import { createRequire } from 'node:module';
      const { loadConfig } = await import('./src/config/load.ts');
      const yamlLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/]yaml[\\\\/]/.test(k));
      const json = loadConfig({ path: ${JSON.stringify(join(dir, 'c.json'))}, env: {} }).config.server.port;
      const afterJson = yamlLoaded();
      const yaml = loadConfig({ path: ${JSON.stringify(join(dir, 'c.yaml'))}, env: {} }).config.server.port;
      process.stdout.write(JSON.stringify({ json, afterJson, yaml, afterYaml: yamlLoaded() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }));
    assert.deepEqual(out, { json: 1234, afterJson: false, yaml: 5678, afterYaml: true });
  });
});
