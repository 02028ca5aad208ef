/**
 * Mistral quirks end to end: tool-call ids mapped to 9 alphanumerics on the way in (consistently
 * and deterministically) and back to the client's own on the way out, Mistral's own ids passing
 * through, tool_choice any / native named form, renamed parameters, 422 detail bodies.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { mistralCompletion, mistralError, mistralStream, mistralStreamFrames, startFakeMistral } from '../fakes/mistral.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { collect, SEARCH_TOOL, WEATHER_TOOL } from './suite.js';

async function withRig(fn: (r: { fake: FakeServer; gw: TestGateway; client: OpenAI }) => Promise<void>): Promise<void> {
  const fake = await startFakeMistral();
  const gw = await startGateway({
    providers: { mistral: { type: 'mistral', base_url: `${fake.url}/v1`, api_key: 'mistral-test-key' } },
    models: [{ id: 'mistral/large', endpoints: [{ provider: 'mistral', model: 'mistral-large-latest', pricing: { prompt: '0.000002', completion: '0.000006' } }] }],
  }, {});
  const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  try {
    await fn({ fake, gw, client });
  } finally {
    await gw.close();
    await fake.stop();
  }
}

/** A history whose ids come from another provider (OpenAI-style and Anthropic-style). */
const history: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'Weather in Paris and Oslo, then Joyce books.' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_9f8e7d6c5b4a39281706', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_9f8e7d6c5b4a39281706', content: '{"temp":21}' },
  { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '{"temp":3}' },
  { role: 'assistant', content: 'Searching now.', tool_calls: [{ id: 'Ab3dE6gH9', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["Joyce"]}' } }] },
  { role: 'tool', tool_call_id: 'Ab3dE6gH9', content: '[]' },
];
const tools = [WEATHER_TOOL, SEARCH_TOOL];

describe('mistral: tool-call ids', () => {
  test('the fake rejects non-9-character ids as Mistral does (so the mapping below is really needed)', () =>
    withRig(async ({ fake }) => {
      const res = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer mistral-test-key' },
        body: JSON.stringify({ model: 'm', messages: history.map((m) => ({ ...m })) }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, '3280');
      assert.match(body.message, /must be a-z, A-Z, 0-9, with a length of 9/);
    }));

  test('client ids are rewritten to 9 alphanumerics, the same in tool_calls and tool messages, the same on every resend; valid ids kept', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(mistralCompletion({ text: 'Done.' }), mistralCompletion({ text: 'Done again.' }));
      const res = await client.chat.completions.create({ model: 'mistral/large', messages: history, tools });
      assert.equal(res.choices[0]!.message.content, 'Done.');
      await client.chat.completions.create({ model: 'mistral/large', messages: history, tools });
      const [a, b] = fake.requests.map((r) => r.body.messages);
      const callIds = a[1].tool_calls.map((c: any) => c.id);
      for (const id of callIds) assert.match(id, /^[a-zA-Z0-9]{9}$/);
      assert.notEqual(callIds[0], callIds[1]);
      assert.deepEqual([a[2].tool_call_id, a[3].tool_call_id], callIds);
      assert.equal(a[4].tool_calls[0].id, 'Ab3dE6gH9', 'a valid id passes unchanged');
      assert.equal(a[5].tool_call_id, 'Ab3dE6gH9');
      assert.deepEqual(b, a, 'deterministic: the resent history maps identically');
      assert.equal(a[2].name, 'get_weather', 'tool messages carry the function name');
    }));

  test('new Mistral ids pass through; a rewritten id that comes back is the client\'s own again (JSON and stream)', () =>
    withRig(async ({ fake, client }) => {
      const echoMapped = (stream: boolean) => (req: { body: any }) => {
        const mapped = req.body.messages[1].tool_calls[0].id as string;
        const answer = { toolCalls: [{ id: mapped, name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'Zz9Yy8Xx7', name: 'get_weather', arguments: '{"city":"Rome"}' }] };
        return stream ? mistralStream(mistralStreamFrames(answer), { random: 5 }) : mistralCompletion(answer);
      };
      fake.enqueue(echoMapped(false), echoMapped(true));
      const res = await client.chat.completions.create({ model: 'mistral/large', messages: history, tools });
      assert.deepEqual(res.choices[0]!.message.tool_calls!.map((c) => c.id), ['call_9f8e7d6c5b4a39281706', 'Zz9Yy8Xx7']);
      const s = await collect(await client.chat.completions.create({ model: 'mistral/large', messages: history, tools, stream: true }));
      assert.deepEqual(s.toolCalls.map((c) => c.id), ['call_9f8e7d6c5b4a39281706', 'Zz9Yy8Xx7']);
      assert.deepEqual(s.toolCalls.map((c) => JSON.parse(c.arguments)), [{ city: 'Paris' }, { city: 'Rome' }]);
    }));

  test('an upstream error naming a rewritten id names the client\'s id instead', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue((req) => mistralError(400, `Unexpected tool call id ${req.body.messages[3].tool_call_id} in tool results`, 'invalid_request_message_order', '3230'));
      await assert.rejects(client.chat.completions.create({ model: 'mistral/large', messages: history, tools }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 400);
        assert.match((e.error as { message: string }).message, /Unexpected tool call id toolu_01A09q90qw90lq917835lq9 in tool results/);
        return true;
      });
    }));
});

describe('mistral: parameters and errors', () => {
  test('tool_choice required → "any", named → native function form; seed → random_seed; max_completion_tokens → max_tokens', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(mistralCompletion({ text: 'a' }), mistralCompletion({ text: 'b' }));
      await client.chat.completions.create({ model: 'mistral/large', messages: [{ role: 'user', content: 'x' }], tools, tool_choice: 'required', seed: 7, max_completion_tokens: 99 });
      assert.equal(fake.requests[0]!.body.tool_choice, 'any');
      assert.equal(fake.requests[0]!.body.random_seed, 7);
      assert.equal(fake.requests[0]!.body.max_tokens, 99);
      assert.equal('seed' in fake.requests[0]!.body, false);
      await client.chat.completions.create({ model: 'mistral/large', messages: [{ role: 'user', content: 'x' }], tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
      assert.deepEqual(fake.requests[1]!.body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    }));

  test('arguments as an object in a stream are stringified; model_length → length', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue(mistralStream(mistralStreamFrames({ toolCalls: [{ id: 'Q1w2E3r4T', name: 'get_weather', arguments: { city: 'Lima' } }], finish: 'tool_calls' })), mistralCompletion({ text: 'cut', finish: 'model_length' }));
      const s = await collect(await client.chat.completions.create({ model: 'mistral/large', messages: [{ role: 'user', content: 'x' }], tools, stream: true }));
      assert.deepEqual(s.toolCalls, [{ id: 'Q1w2E3r4T', name: 'get_weather', arguments: '{"city":"Lima"}' }]);
      const res = await client.chat.completions.create({ model: 'mistral/large', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(res.choices[0]!.finish_reason, 'length');
    }));

  test('a 422 detail body becomes a readable 422', () =>
    withRig(async ({ fake, client }) => {
      fake.enqueue({ kind: 'json', status: 422, body: { object: 'error', message: { detail: [{ type: 'less_than_equal', loc: ['body', 'temperature'], msg: 'Input should be less than or equal to 1.5', input: 1.9 }] }, type: 'invalid_request_error', param: null, code: null } });
      await assert.rejects(client.chat.completions.create({ model: 'mistral/large', messages: [{ role: 'user', content: 'x' }], temperature: 1.9 }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 422);
        assert.equal((e.error as { message: string }).message, '[mistral] temperature: Input should be less than or equal to 1.5');
        return true;
      });
    }));
});
