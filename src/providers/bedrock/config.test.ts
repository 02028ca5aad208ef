import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProviderConfig } from '../types.js';
import { bedrockBaseUrl, bedrockCredentials, bedrockRegion, modelFamily, validateBedrockConfig } from './config.js';

const p = (over: Record<string, unknown> = {}): ProviderConfig => ({ name: 'aws', type: 'bedrock', base_url: '', headers: {}, timeout_ms: 1, ...over });

test('region: config, then AWS_REGION, then AWS_DEFAULT_REGION; base URL from the region', () => {
  assert.equal(bedrockRegion(p({ region: 'eu-west-1' }), { AWS_REGION: 'us-east-1' }), 'eu-west-1');
  assert.equal(bedrockRegion(p(), { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'x' }), 'us-east-1');
  assert.equal(bedrockRegion(p(), { AWS_DEFAULT_REGION: 'ca-central-1' }), 'ca-central-1');
  assert.equal(bedrockBaseUrl(p(), { AWS_REGION: 'us-west-2' }), 'https://bedrock-runtime.us-west-2.amazonaws.com');
  assert.equal(bedrockBaseUrl(p({ base_url: 'http://local' }), {}), 'http://local');
});

test('credentials: config keys win over env; env used when config has none; missing is a clear error', () => {
  const env = { AWS_ACCESS_KEY_ID: 'E', AWS_SECRET_ACCESS_KEY: 'ES', AWS_SESSION_TOKEN: 'ET' };
  assert.deepEqual(bedrockCredentials(p({ access_key_id: 'C', secret_access_key: 'CS' }), env), { accessKeyId: 'C', secretAccessKey: 'CS' });
  assert.deepEqual(bedrockCredentials(p(), env), { accessKeyId: 'E', secretAccessKey: 'ES', sessionToken: 'ET' });
  assert.throws(() => bedrockCredentials(p(), {}), (e: any) => e.status === 500 && /no AWS credentials/.test(e.message));
});

test('validateConfig: types, and key id/secret set together', () => {
  assert.deepEqual(validateBedrockConfig(p({ region: 5 })), ['region: must be a string']);
  assert.deepEqual(validateBedrockConfig(p({ access_key_id: 'A' })), ['access_key_id and secret_access_key: set both or neither']);
  assert.deepEqual(validateBedrockConfig(p({ access_key_id: 'A', secret_access_key: 'S', region: 'r' })), []);
});

test('model families from ids, inference profiles and ARNs', () => {
  assert.equal(modelFamily('anthropic.claude-3-haiku'), 'anthropic');
  assert.equal(modelFamily('us.anthropic.claude-sonnet-4'), 'anthropic');
  assert.equal(modelFamily('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0'), 'nova');
  assert.equal(modelFamily('openai.gpt-oss-120b-1:0'), 'openai');
  assert.equal(modelFamily('mistral.mistral-large-2407-v1:0'), 'mistral');
  assert.equal(modelFamily('meta.llama3-70b'), 'other');
});
