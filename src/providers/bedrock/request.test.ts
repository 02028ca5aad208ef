import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalRequest } from '../../schema/canonical.js';
import type { AdapterContext } from '../types.js';
import { buildBedrockRequest, buildConverseBody } from './request.js';

const ctx = (over: Record<string, unknown> = {}, model = 'anthropic.claude-3-5-haiku-20241022-v1:0'): AdapterContext => ({
  provider: { name: 'aws', type: 'bedrock', base_url: '', headers: {}, timeout_ms: 1000, region: 'eu-central-1', ...over },
  endpoint: { provider: 'aws', model, pricing: { prompt: '0', completion: '0' }, supported_parameters: [] },
  generationId: 'gen-1',
});
const req = (over: Partial<CanonicalRequest> = {}, body: Record<string, unknown> = {}): CanonicalRequest => ({
  body: { model: 'm', messages: [], ...body } as CanonicalRequest['body'],
  messages: [{ role: 'user', content: 'hi' }],
  tools: undefined,
  toolChoice: undefined,
  parallelToolCalls: undefined,
  reasoning: undefined,
  maxTokens: undefined,
  stop: undefined,
  stream: false,
  ...over,
});

test('URL: region default endpoint, model id URL-encoded, converse vs converse-stream', () => {
  const r = buildBedrockRequest(req(), ctx());
  assert.equal(r.url, 'https://bedrock-runtime.eu-central-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
  assert.equal(r.headers.accept, 'application/json');
  const s = buildBedrockRequest(req({ stream: true }), ctx({ base_url: 'http://127.0.0.1:9' }, 'arn:aws:bedrock:us-east-1:123:inference-profile/us.x'));
  assert.equal(s.url, 'http://127.0.0.1:9/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.x/converse-stream');
  assert.equal(s.headers.accept, 'application/vnd.amazon.eventstream');
  assert.equal(s.headers.authorization, undefined);
  assert.equal(buildBedrockRequest(req(), ctx({ api_key: 'k' })).headers.authorization, 'Bearer k');
});

test('inferenceConfig from max tokens, temperature, top_p, stop; top_k via additionalModelRequestFields for Claude', () => {
  const b = buildConverseBody(req({ maxTokens: 300, stop: ['END'] }, { temperature: 0.2, top_p: 0.9, top_k: 40 }), 'anthropic.claude-x', ctx().endpoint);
  assert.deepEqual(b.inferenceConfig, { maxTokens: 300, temperature: 0.2, topP: 0.9, stopSequences: ['END'] });
  assert.deepEqual(b.additionalModelRequestFields, { top_k: 40 });
  assert.equal(buildConverseBody(req({}, { top_k: 40 }), 'meta.llama3', ctx().endpoint).additionalModelRequestFields, undefined);
  assert.equal(buildConverseBody(req(), 'meta.llama3', ctx().endpoint).inferenceConfig, undefined);
});

test('Claude thinking drops temperature/top_p/top_k (Anthropic rejects them with thinking)', () => {
  const b = buildConverseBody(req({ reasoning: { enabled: true, effort: 'low', exclude: false } }, { temperature: 0.5, top_p: 0.5, top_k: 5 }), 'anthropic.claude-x', ctx().endpoint);
  assert.deepEqual(b.inferenceConfig, { maxTokens: 4096 });
  assert.deepEqual(b.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 1024 } });
});

test('missing region without base_url is a configuration error', () => {
  const saved = { r: process.env.AWS_REGION, d: process.env.AWS_DEFAULT_REGION };
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  try {
    assert.throws(() => buildBedrockRequest(req(), ctx({ region: undefined })), /no region/);
  } finally {
    if (saved.r !== undefined) process.env.AWS_REGION = saved.r;
    if (saved.d !== undefined) process.env.AWS_DEFAULT_REGION = saved.d;
  }
});

test('a request with nothing but a system prompt is a 400 before anything is sent', () => {
  assert.throws(() => buildConverseBody(req({ messages: [{ role: 'system', content: 'only rules' }] }), 'meta.llama3', ctx().endpoint), (e: any) => e.status === 400 && /at least one user or assistant message/.test(e.message));
});
