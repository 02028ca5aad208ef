import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../config/load.js';
import { getAdapter } from '../index.js';
import { gemini } from './index.js';

test('registered as type gemini', () => assert.equal(getAdapter('gemini'), gemini));
test('config: default base_url, api_version checked, default supported_parameters without parallel_tool_calls', () => {
  const { config } = parseConfig({
    providers: { g: { type: 'gemini', api_key: 'k' } },
    models: [{ id: 'google/gemini-2.5-flash', endpoints: [{ provider: 'g', model: 'gemini-2.5-flash', pricing: { prompt: '0', completion: '0' } }] }],
  }, 'test');
  assert.equal(config.providers.get('g')!.base_url, 'https://generativelanguage.googleapis.com');
  const params = config.models[0]!.endpoints[0]!.supported_parameters;
  for (const p of ['tools', 'tool_choice', 'reasoning', 'response_format', 'top_k', 'seed', 'stop']) assert.ok(params.includes(p), p);
  assert.ok(!params.includes('parallel_tool_calls'));
  assert.throws(() => parseConfig({ providers: { g: { type: 'gemini', api_version: 'latest' } } }, 'test'), /providers\.g\.api_version: must look like v1beta or v1/);
});
