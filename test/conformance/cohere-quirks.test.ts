/**
 * Cohere quirks end to end: tool results sent as documents, named tool_choice as a filtered
 * REQUIRED, tool_plan and thinking as reasoning, typed SSE events including an error in
 * message-end, billed_units vs tokens usage, finish reasons, 498.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { cohereError, cohereResponse, cohereStream, cohereStreamFrames, startFakeCohere } from '../fakes/cohere.js';
import type { FakeServer } from '../fakes/harness.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { collect, SEARCH_TOOL, WEATHER_TOOL } from './suite.js';

async function withRig(fn: (r: { fake: FakeServer; gw: TestGateway; client: OpenAI }) => Promise<void>): Promise<void> {
  const fake = await startFakeCohere();
  const gw = await startGateway({
    providers: { co: { type: 'cohere', base_url: fake.url, api_key: 'cohere-test-key' } },
    models: [{ id: 'cohere/command-a', endpoints: [{ provider: 'co', model: 'command-a-03-2025', pricing: { prompt: '0.0000025', completion: '0.00001' } }] }],
  }, {});
  const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  try {
    await fn({ fake, gw, client });
  } finally {
    await gw.close();
    await fake.stop();
  }
}

const user = (content: string): OpenAI.Chat.Completions.ChatCompletionMessageParam => ({ role: 'user', content });

describe('cohere', () => {
  test('tool results become documents: an object, an array of objects (one each), plain text', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(cohereResponse({ text: 'ok' }));
      const calls = ['a', 'b', 'c'].map((x) => ({ id: `get_weather_${x}`, type: 'function' as const, function: { name: 'get_weather', arguments: `{"city":"${x}"}` } }));
      await client.chat.completions.create({
        model: 'cohere/command-a',
        tools: [WEATHER_TOOL],
        messages: [
          user('w?'),
          { role: 'assistant', content: null, tool_calls: calls, reasoning: 'I will check three cities.' } as never,
          { role: 'tool', tool_call_id: 'get_weather_a', content: '{"temp":1}' },
          { role: 'tool', tool_call_id: 'get_weather_b', content: '[{"temp":2},{"temp":3}]' },
          { role: 'tool', tool_call_id: 'get_weather_c', content: 'sunny' },
        ],
      });
      const m = fake.last!.body.messages;
      assert.equal(m[1].tool_plan, 'I will check three cities.');
      assert.deepEqual(m[2].content, [{ type: 'document', document: { data: { temp: 1 } } }]);
      assert.deepEqual(m[3].content, [{ type: 'document', document: { data: { temp: 2 } } }, { type: 'document', document: { data: { temp: 3 } } }]);
      assert.deepEqual(m[4].content, [{ type: 'document', document: { data: { text: 'sunny' } } }]);
    }));

  test('named tool_choice → only that tool + REQUIRED; required → REQUIRED with all tools; auto → omitted', () =>
    withRig(async ({ fake, client }) => {
      const call = cohereResponse({ toolCalls: [{ id: 'get_weather_x1', name: 'get_weather', arguments: '{"city":"Rome"}' }] });
      fake.enqueue(call, call, cohereResponse({ text: 'no' }));
      await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], tools: [WEATHER_TOOL, SEARCH_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
      assert.equal(fake.requests[0]!.body.tool_choice, 'REQUIRED');
      assert.deepEqual(fake.requests[0]!.body.tools.map((t: any) => t.function.name), ['get_weather']);
      await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], tools: [WEATHER_TOOL, SEARCH_TOOL], tool_choice: 'required' });
      assert.equal(fake.requests[1]!.body.tools.length, 2);
      await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], tools: [WEATHER_TOOL], tool_choice: 'auto', parallel_tool_calls: false });
      assert.equal('tool_choice' in fake.requests[2]!.body, false);
      assert.equal('parallel_tool_calls' in fake.requests[2]!.body, false);
    }));

  test('tool_plan (streamed) and thinking content → reasoning', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(
        cohereStream(cohereStreamFrames({ toolPlan: 'I will search for Joyce.', toolCalls: [{ id: 'search_1', name: 'search_gutenberg_books', arguments: '{"search_terms":["Joyce"]}' }] }), 'byte'),
        cohereResponse({ thinking: 'Short answer.', text: 'Ulysses.' }),
      );
      const s = await collect(await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], tools: [SEARCH_TOOL], stream: true }));
      assert.equal(s.reasoning, 'I will search for Joyce.');
      assert.equal(s.toolCalls[0]!.id, 'search_1');
      assert.equal(s.finish, 'tool_calls');
      const res = await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], reasoning: { effort: 'low' } } as never);
      const msg = res.choices[0]!.message as unknown as { content: string; reasoning: string };
      assert.equal(msg.content, 'Ulysses.');
      assert.equal(msg.reasoning, 'Short answer.');
      assert.deepEqual(fake.last!.body.thinking, { type: 'enabled' });
    }));

  test('an error in message-end after text → error chunk; before any content → HTTP 502', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(cohereStream(cohereStreamFrames({ text: 'partial', error: 'internal generation failure' })), cohereStream(cohereStreamFrames({ error: 'no capacity' })));
      const stream = await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], stream: true });
      let text = '';
      await assert.rejects(async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      }, /internal generation failure/);
      assert.equal(text, 'partial');
      await assert.rejects(client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')], stream: true }).then(collect), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 502);
        assert.match(e.message, /no capacity/);
        return true;
      });
    }));

  test('usage from tokens (not billed_units), cached tokens; MAX_TOKENS → length', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(cohereResponse({ text: 'cut', finish: 'MAX_TOKENS', usage: { prompt: 100, completion: 5, cached: 80 } }));
      const res = await client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')] });
      assert.equal(res.usage?.prompt_tokens, 100);
      assert.equal(res.usage?.prompt_tokens_details?.cached_tokens, 80);
      assert.equal(res.choices[0]!.finish_reason, 'length');
      assert.equal((res.choices[0] as unknown as { native_finish_reason: string }).native_finish_reason, 'MAX_TOKENS');
    }));

  test('parallel_tool_calls:false (no Cohere field): answers keep their first call, JSON and streamed', () =>
    withRig(async ({ fake, client }) => {
      const two = { toolCalls: [{ id: 'get_weather_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }, { id: 'get_weather_2', name: 'get_weather', arguments: '{"city":"Rome"}' }] };
      fake.enqueue(cohereResponse(two), cohereStream(cohereStreamFrames(two), { random: 6 }), cohereResponse(two));
      const base = { model: 'cohere/command-a', messages: [user('Oslo and Rome?')], tools: [WEATHER_TOOL], parallel_tool_calls: false };
      const res = await client.chat.completions.create(base);
      assert.deepEqual(res.choices[0]!.message.tool_calls!.map((c) => c.id), ['get_weather_1']);
      assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
      const s = await collect(await client.chat.completions.create({ ...base, stream: true }));
      assert.deepEqual(s.toolCalls, [{ id: 'get_weather_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
      assert.equal('parallel_tool_calls' in fake.requests[0]!.body, false);
      const both = await client.chat.completions.create({ ...base, parallel_tool_calls: true });
      assert.equal(both.choices[0]!.message.tool_calls!.length, 2);
    }));

  test('498 invalid token → 502 with the provider name (the operator\'s key, not the client\'s)', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(cohereError(498, 'invalid api token'));
      await assert.rejects(client.chat.completions.create({ model: 'cohere/command-a', messages: [user('x')] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 502);
        assert.equal((e.error as { metadata: { provider_name: string } }).metadata.provider_name, 'co');
        return true;
      });
    }));
});
