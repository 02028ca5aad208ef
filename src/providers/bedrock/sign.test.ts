import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifySigV4, TEST_CREDENTIALS } from '../../../test/fakes/bedrock.js';
import type { RecordedRequest } from '../../../test/fakes/harness.js';
import type { AdapterContext, UpstreamRequest } from '../types.js';
import { signBedrockRequest } from './sign.js';

const ctx = (over: Record<string, unknown> = {}): AdapterContext => ({
  provider: { name: 'aws', type: 'bedrock', base_url: '', headers: {}, timeout_ms: 1, access_key_id: TEST_CREDENTIALS.accessKeyId, secret_access_key: TEST_CREDENTIALS.secretAccessKey, ...over },
  endpoint: { provider: 'aws', model: 'm', pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'g',
});
const unsigned: UpstreamRequest = { method: 'POST', url: 'https://bedrock-runtime.ap-south-1.amazonaws.com/model/a.b%3A0/converse', headers: { 'content-type': 'application/json' }, body: '{"messages":[]}' };

const recorded = (r: UpstreamRequest): RecordedRequest => ({
  method: r.method,
  path: new URL(r.url).pathname,
  headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])),
  raw: Buffer.from(r.body as string),
  body: JSON.parse(r.body as string),
  receivedAt: Date.now(),
});

test('signs host, x-amz-date (and the token) with the region taken from the endpoint host', async () => {
  const s = await signBedrockRequest(unsigned, ctx({ session_token: 'TOKEN' }), {});
  assert.equal(s.headers.host, 'bedrock-runtime.ap-south-1.amazonaws.com');
  assert.equal(s.headers['x-amz-security-token'], 'TOKEN');
  assert.match(s.headers.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-south-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host;[^,]*x-amz-date[^,]*, Signature=[0-9a-f]{64}$/);
  assert.equal(await verifySigV4(recorded(s), { ...TEST_CREDENTIALS, sessionToken: 'TOKEN' }, 'ap-south-1'), undefined);
});

test('the signature covers the body: a changed body no longer verifies', async () => {
  const s = await signBedrockRequest(unsigned, ctx(), {});
  const tampered = { ...recorded(s), raw: Buffer.from('{"messages":[1]}') };
  const { sessionToken: _t, ...noToken } = TEST_CREDENTIALS;
  assert.equal(await verifySigV4(recorded(s), noToken, 'ap-south-1'), undefined);
  assert.match(JSON.stringify(await verifySigV4(tampered, noToken, 'ap-south-1')), /does not match/);
  // and with the body hash header dropped, the recomputed signature itself differs
  const { 'x-amz-content-sha256': _h, ...rest } = tampered.headers;
  assert.match(JSON.stringify(await verifySigV4({ ...tampered, headers: rest }, noToken, 'ap-south-1')), /signature we calculated does not match/);
});

test('requests carrying a Bedrock API key go unsigned', async () => {
  const keyed = { ...unsigned, headers: { ...unsigned.headers, authorization: 'Bearer k' } };
  assert.equal(await signBedrockRequest(keyed, ctx({ access_key_id: undefined, secret_access_key: undefined }), {}), keyed);
});
