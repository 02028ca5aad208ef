import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { GatewayError } from '../../schema/errors.js';
import { ctx } from './__fixtures__/context.js';
import { parseAnthropicResponse } from './response.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('Message → canonical response', () => {
  test('text + two tool_use blocks (one without input)', () => {
    const r = parseAnthropicResponse(fixture('message-tool-use.json'), ctx());
    assert.equal(r.upstreamId, 'msg_01Aq9w938a90dw8q');
    assert.equal(r.content, "I'll search the library for James Joyce.");
    assert.deepEqual(r.toolCalls, [
      { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' } },
      { id: 'toolu_01B7dnl2lq2mz9djsoq', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
    ]);
    assert.equal(r.finishReason, 'tool_calls');
    assert.equal(r.nativeFinishReason, 'tool_use');
    assert.equal(r.reasoning, null);
    assert.equal(r.reasoningDetails, undefined);
    assert.deepEqual(r.usage, { promptTokens: 412 + 1800, completionTokens: 87, cachedTokens: 1800 });
  });
  test('thinking and redacted thinking → reasoning + reasoning_details with signature', () => {
    const r = parseAnthropicResponse(fixture('message-thinking.json'), ctx());
    assert.equal(r.content, null);
    assert.equal(r.reasoning, 'The user wants Joyce titles. I should search.');
    assert.deepEqual(r.reasoningDetails, [
      { type: 'reasoning.text', text: 'The user wants Joyce titles. I should search.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP', format: 'anthropic-claude-v1', index: 1 },
    ]);
    assert.deepEqual(r.usage, { promptTokens: 150, completionTokens: 300, cacheWriteTokens: 50, reasoningTokens: 220 });
  });
  test('stop reasons', () => {
    const base = { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'x' }], usage: { input_tokens: 1, output_tokens: 1 } };
    for (const [native, want] of [['end_turn', 'stop'], ['stop_sequence', 'stop'], ['max_tokens', 'length'], ['refusal', 'content_filter'], ['pause_turn', 'stop'], ['model_context_window_exceeded', 'length']] as const) {
      const r = parseAnthropicResponse({ ...base, stop_reason: native }, ctx());
      assert.equal(r.finishReason, want, native);
      assert.equal(r.nativeFinishReason, native);
    }
  });
  test('server-tool blocks are skipped', () => {
    const r = parseAnthropicResponse({ id: 'm', content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }, { type: 'text', text: 'found' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } }, ctx());
    assert.equal(r.content, 'found');
    assert.deepEqual(r.toolCalls, []);
  });
  test('an error body inside a 200 and a body without content are gateway errors', () => {
    assert.throws(() => parseAnthropicResponse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, ctx()), (e: unknown) => e instanceof GatewayError && e.status === 529);
    assert.throws(() => parseAnthropicResponse({ id: 'x' }, ctx()), (e: unknown) => e instanceof GatewayError && e.status === 502);
    assert.throws(() => parseAnthropicResponse('nope', ctx()), (e: unknown) => e instanceof GatewayError && e.status === 502);
  });
});
