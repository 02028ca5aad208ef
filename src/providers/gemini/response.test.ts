import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import { ctx } from './__fixtures__/context.js';
import { parseGeminiResponse } from './response.js';

const G = 'google-gemini-v1';
const reply = (parts: unknown[], finishReason = 'STOP', extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
  usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'resp-1',
  ...extra,
});

describe('parseGeminiResponse', () => {
  test('text', () => {
    const r = parseGeminiResponse(reply([{ text: 'Hello ' }, { text: 'world' }]), ctx);
    assert.equal(r.content, 'Hello world');
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.nativeFinishReason, 'STOP');
    assert.equal(r.upstreamId, 'resp-1');
    assert.deepEqual(r.usage, { promptTokens: 10, completionTokens: 5 });
  });
  test('function calls: ids synthesized when absent (stable, distinct), Gemini ids kept, args stringified, STOP → tool_calls', () => {
    const r = parseGeminiResponse(reply([{ functionCall: { name: 'f', args: { a: 1 } } }, { functionCall: { name: 'f', args: { a: 2 } } }, { functionCall: { id: 'g-id', name: 'g' } }]), ctx);
    assert.equal(r.finishReason, 'tool_calls');
    assert.equal(r.content, null);
    assert.deepEqual(r.toolCalls, [
      { id: 'call_efghijklmnop_0', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
      { id: 'call_efghijklmnop_1', type: 'function', function: { name: 'f', arguments: '{"a":2}' } },
      { id: 'g-id', type: 'function', function: { name: 'g', arguments: '{}' } },
    ]);
    const again = parseGeminiResponse(reply([{ functionCall: { name: 'f', args: {} } }]), { ...ctx, generationId: 'gen-2-zzzzzzzzzzzzzzzz' });
    assert.notEqual(again.toolCalls[0]!.id, r.toolCalls[0]!.id, 'another response, another id');
  });
  test('thoughts → reasoning + details; signatures on thoughts, text and calls kept', () => {
    const r = parseGeminiResponse(reply([
      { text: 'Think', thought: true, thoughtSignature: 'S0' },
      { text: 'Answer', thoughtSignature: 'S1' },
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'S2' },
    ]), ctx);
    assert.equal(r.reasoning, 'Think');
    assert.equal(r.content, 'Answer');
    assert.deepEqual(r.reasoningDetails, [
      { type: 'reasoning.text', text: 'Think', format: G, index: 0, signature: 'S0' },
      { type: 'reasoning.encrypted', data: 'S1', format: G, index: 1 },
      { type: 'reasoning.encrypted', data: 'S2', id: r.toolCalls[0]!.id, format: G, index: 2 },
    ]);
  });
  test('usage: thoughts added to completion, cached tokens reported', () => {
    const r = parseGeminiResponse(reply([{ text: 'x' }], 'STOP', { usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 7, thoughtsTokenCount: 30 } }), ctx);
    assert.deepEqual(r.usage, { promptTokens: 100, completionTokens: 37, cachedTokens: 60, reasoningTokens: 30 });
  });
  for (const [native, reason] of [['MAX_TOKENS', 'length'], ['SAFETY', 'content_filter'], ['RECITATION', 'content_filter'], ['BLOCKLIST', 'content_filter'], ['PROHIBITED_CONTENT', 'content_filter'], ['OTHER', 'stop']] as const) {
    test(`${native} → ${reason}`, () => {
      const r = parseGeminiResponse(reply([{ text: 'x' }], native), ctx);
      assert.equal(r.finishReason, reason);
      assert.equal(r.nativeFinishReason, native);
    });
  }
  test('MALFORMED_FUNCTION_CALL → a clear, retryable error', () => {
    assert.throws(() => parseGeminiResponse({ candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: print(x' }] }, ctx), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.status, 502);
      assert.ok(e.retryable);
      assert.equal(e.message, '[gem] Gemini stopped with MALFORMED_FUNCTION_CALL: the model produced a malformed function call: Malformed function call: print(x');
      return true;
    });
  });
  test('a blocked prompt (no candidates) → content_filter with the block reason', () => {
    const r = parseGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4 } }, ctx);
    assert.equal(r.finishReason, 'content_filter');
    assert.equal(r.nativeFinishReason, 'SAFETY');
    assert.equal(r.content, null);
  });
  test('garbage → 502', () => {
    assert.throws(() => parseGeminiResponse([], ctx), /invalid upstream response/);
    assert.throws(() => parseGeminiResponse({}, ctx), /no candidates/);
  });
});
