import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import type { AdapterContext } from '../types.js';
import { canonical, ctx } from './__fixtures__/context.js';
import { buildGeminiRequest } from './request.js';

const body = (r: ReturnType<typeof buildGeminiRequest>) => JSON.parse(r.body as string);

describe('buildGeminiRequest', () => {
  test('URL, method and key header', () => {
    const r = buildGeminiRequest(canonical({}), ctx);
    assert.equal(r.url, 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(r.headers['x-goog-api-key'], 'g-key');
    assert.equal(r.headers.authorization, undefined);
    const s = buildGeminiRequest(canonical({ stream: true }), { ...ctx, endpoint: { ...ctx.endpoint, model: 'models/gemini-2.5-pro' } } as AdapterContext);
    assert.equal(s.url, 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
  });
  test('api_version from the provider config', () => {
    const r = buildGeminiRequest(canonical({}), { ...ctx, provider: { ...ctx.provider, api_version: 'v1' } } as AdapterContext);
    assert.match(r.url, /\/v1\/models\//);
  });
  test('generation parameters → generationConfig; gateway-only fields go nowhere', () => {
    const b = body(buildGeminiRequest(canonical({ temperature: 0.3, top_p: 0.9, top_k: 40, seed: 7, max_tokens: 100, stop: ['END'], presence_penalty: 0.1, frequency_penalty: 0.2, provider: { order: ['x'] }, models: ['a'] }), ctx));
    assert.deepEqual(b.generationConfig, { temperature: 0.3, topP: 0.9, topK: 40, seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.2, maxOutputTokens: 100, stopSequences: ['END'] });
    assert.deepEqual(Object.keys(b).sort(), ['contents', 'generationConfig']);
  });
  test('no parameters → no generationConfig', () => assert.equal(body(buildGeminiRequest(canonical({}), ctx)).generationConfig, undefined));
  test('response_format json_object / json_schema', () => {
    assert.deepEqual(body(buildGeminiRequest(canonical({ response_format: { type: 'json_object' } }), ctx)).generationConfig, { responseMimeType: 'application/json' });
    const b = body(buildGeminiRequest(canonical({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string', const: 'k' } }, additionalProperties: false } } } }), ctx));
    assert.deepEqual(b.generationConfig, { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING', enum: ['k'] } } } });
  });
  test('an untranslatable response schema → 400 naming response_format', () => {
    assert.throws(() => buildGeminiRequest(canonical({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { not: {} } } } } } }), ctx), (e: unknown) => {
      assert.ok(e instanceof GatewayError && e.status === 400);
      assert.match(e.message, /^response_format\.json_schema\.schema: Gemini cannot express "not"/);
      return true;
    });
  });
  test('reasoning → thinkingConfig', () => {
    const b = body(buildGeminiRequest(canonical({}, { reasoning: { enabled: true, maxTokens: 2048, exclude: false } }), ctx));
    assert.deepEqual(b.generationConfig, { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } });
  });
  test('tools and tool_choice', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'integer' } } } } }];
    const b = body(buildGeminiRequest(canonical({ tools }, { tools, toolChoice: { type: 'function', name: 'f' } }), ctx));
    assert.deepEqual(b.tools, [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: 'INTEGER' } } } }] }]);
    assert.deepEqual(b.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
  });
});
