import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StreamEvent } from '../schema/canonical.js';
import { GatewayError } from '../schema/errors.js';
import { renderResponse, renderUsage, responseJson, StreamRenderer, type ResponseMeta } from './render.js';

const meta: ResponseMeta = { id: 'gen-1', created: 1700000000, model: 'a/b', provider: 'p', pricing: { prompt: '0.000001', completion: '0.000002', input_cache_read: '0.0000001' }, excludeReasoning: false };

function render(events: StreamEvent[], m = meta, end = true) {
  const frames: string[] = [];
  const r = new StreamRenderer(m, (f) => frames.push(f));
  for (const e of events) r.event(e);
  if (end) r.end();
  const data = frames.join('').split('\n\n').filter(Boolean).map((b) => b.slice(6)).map((d) => (d === '[DONE]' ? d : JSON.parse(d)));
  return { data, r };
}

describe('StreamRenderer', () => {
  test('dense tool indexes from adapter keys, role on first delta, {} for zero-arg calls, stop → tool_calls', () => {
    const { data } = render([
      { type: 'tool_call_start', index: 7, id: 'call_a', name: 'f' },
      { type: 'tool_call_start', index: 3, id: 'call_b', name: 'g' },
      { type: 'tool_call_delta', index: 3, arguments: '{"x":1}' },
      { type: 'finish', reason: 'stop', native: 'end_turn' },
      { type: 'usage', usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 4, reasoningTokens: 2 } },
    ]);
    assert.deepEqual(data[0].choices[0].delta, { role: 'assistant', tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] });
    assert.equal(data[1].choices[0].delta.tool_calls[0].index, 1);
    assert.deepEqual(data[2].choices[0].delta.tool_calls, [{ index: 1, function: { arguments: '{"x":1}' } }]);
    assert.deepEqual(data[3].choices[0].delta.tool_calls, [{ index: 0, function: { arguments: '{}' } }]);
    assert.equal(data[4].choices[0].finish_reason, 'tool_calls');
    assert.equal(data[4].choices[0].native_finish_reason, 'end_turn');
    assert.deepEqual(data[5].choices, []);
    assert.equal(data[5].usage.prompt_tokens, 10);
    assert.equal(data[5].usage.prompt_tokens_details.cached_tokens, 4);
    assert.equal(data[5].usage.completion_tokens_details.reasoning_tokens, 2);
    assert.equal(data[6], '[DONE]');
    for (const c of data.slice(0, 6)) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.id, 'gen-1');
      assert.ok(!('system_fingerprint' in c));
    }
  });

  test('reasoning deltas carry text and details; exclude drops them', () => {
    const ev: StreamEvent[] = [
      { type: 'reasoning', text: 'think', detail: { type: 'reasoning.text', text: 'think', format: 'anthropic-claude-v1' } },
      { type: 'reasoning', detail: { type: 'reasoning.text', signature: 'sig', format: 'anthropic-claude-v1', index: 0 } },
      { type: 'text', text: 'hi' },
      { type: 'finish', reason: 'stop', native: 'end_turn' },
    ];
    const { data } = render(ev);
    assert.deepEqual(data[0].choices[0].delta, { role: 'assistant', reasoning: 'think', reasoning_details: [{ type: 'reasoning.text', text: 'think', format: 'anthropic-claude-v1', index: 0 }] });
    assert.deepEqual(data[1].choices[0].delta.reasoning_details[0].signature, 'sig');
    const excluded = render(ev, { ...meta, excludeReasoning: true }).data;
    assert.deepEqual(excluded[0].choices[0].delta, { role: 'assistant', content: 'hi' });
  });

  test('error mid-stream: one error chunk with integer code, then [DONE]; later events ignored', () => {
    const { data } = render([{ type: 'text', text: 'a' }, { type: 'error', error: new GatewayError(529, 'overloaded') }, { type: 'text', text: 'b' }]);
    assert.equal(data.length, 3);
    assert.equal(data[1].error.code, 529);
    assert.equal(data[1].choices[0].finish_reason, 'error');
    assert.equal(data[2], '[DONE]');
  });

  test('the usage chunk is JSON.stringify(renderUsage(...)) to the byte: cache reads and writes, no usage, bad pricing', () => {
    const cases: [StreamEvent[], ResponseMeta][] = [
      [[{ type: 'usage', usage: { promptTokens: 412, completionTokens: 23 } }], meta],
      [[{ type: 'usage', usage: { promptTokens: 100, completionTokens: 10, cachedTokens: 40, cacheWriteTokens: 30, reasoningTokens: 3 } }], { ...meta, pricing: { ...meta.pricing, input_cache_write: '0.00000125', request: '0.001' } }],
      [[], meta],
      [[{ type: 'usage', usage: { promptTokens: 7, completionTokens: 1 } }], { ...meta, pricing: { prompt: 'n/a', completion: '0' } }],
    ];
    for (const [events, m] of cases) {
      const frames: string[] = [];
      const r = new StreamRenderer(m, (f) => frames.push(f));
      for (const e of [...events, { type: 'finish', reason: 'stop', native: 'stop' } as StreamEvent]) r.event(e);
      r.end();
      const last = frames.at(-1)!;
      const usageText = last.slice(last.indexOf('"usage":') + 8, last.indexOf('}\n\ndata: [DONE]'));
      const usage = events[0]?.type === 'usage' ? events[0].usage : undefined;
      assert.equal(usageText, JSON.stringify(renderUsage(usage, m.pricing)));
    }
  });

  test('end without finish → error chunk', () => {
    const { data, r } = render([{ type: 'text', text: 'a' }]);
    assert.match(data[1].error.message, /before it finished/);
    assert.equal(r.finishReason, 'error');
  });
});

describe('renderResponse / renderUsage', () => {
  test('cost from pricing, cached tokens at the cache-read price', () => {
    const u = renderUsage({ promptTokens: 100, completionTokens: 10, cachedTokens: 40 }, meta.pricing);
    assert.equal(u.cost, 60 * 0.000001 + 40 * 0.0000001 + 10 * 0.000002);
    assert.equal(u.total_tokens, 110);
    assert.equal(u.cost_details!.upstream_inference_prompt_cost + u.cost_details!.upstream_inference_completions_cost, u.cost);
  });

  test('tool calls force finish_reason tool_calls, content "" → null, arrays absent not null', () => {
    const r = renderResponse({ content: '', toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }], finishReason: 'stop', nativeFinishReason: 'STOP' }, meta);
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(r.choices[0]!.native_finish_reason, 'STOP');
    assert.equal(r.choices[0]!.message.content, null);
    assert.equal(r.system_fingerprint, null);
    const plain = renderResponse({ content: 'x', toolCalls: [], finishReason: 'stop', nativeFinishReason: 'stop' }, meta);
    assert.ok(!('tool_calls' in plain.choices[0]!.message));
    assert.ok(!('reasoning_details' in plain.choices[0]!.message));
  });

  test('responseJson is JSON.stringify of the rendered response, to the byte', () => {
    const calls = [
      { id: 'call_1', type: 'function' as const, function: { name: 'search', arguments: '{"q":"\\"quoted\\" ünïcode \u2028"}' } },
      { id: 'call_2', type: 'function' as const, function: { name: 'g', arguments: '{}' } },
    ];
    const cases: [Parameters<typeof renderResponse>[0], ResponseMeta][] = [
      [{ content: '', toolCalls: calls, finishReason: 'stop', nativeFinishReason: 'STOP', usage: { promptTokens: 412, completionTokens: 23 } }, meta],
      [{ content: 'plain "text"\n', toolCalls: [], finishReason: 'length', nativeFinishReason: null, refusal: 'no', usage: { promptTokens: 1, completionTokens: 2, cachedTokens: 1, cacheWriteTokens: 3, reasoningTokens: 1 } }, meta],
      [{ content: 'x', toolCalls: [], finishReason: 'stop', nativeFinishReason: 'stop', reasoning: 'because', reasoningDetails: [{ type: 'reasoning.text', text: 'because', format: 'unknown', index: 0 }] }, meta],
      [{ content: 'x', toolCalls: [], finishReason: 'stop', nativeFinishReason: 'stop', reasoning: 'hidden' }, { ...meta, excludeReasoning: true }],
      [{ content: null, toolCalls: [], finishReason: 'content_filter', nativeFinishReason: 'SAFETY' }, { ...meta, id: 'gen-"odd"', model: 'a/ü', provider: 'p\\q', pricing: { prompt: 'bad', completion: '0.000002', input_cache_write: '0.0000012', request: '0.01' } }],
    ];
    for (const [res, m] of cases) {
      const r = renderResponse(res, m);
      assert.equal(responseJson(r), JSON.stringify(r));
    }
  });
});
