/**
 * `tools: emulated` end to end through the openai SDK, against a text-only upstream that rejects
 * tools: well-formed calls, malformed calls retried once with the validation error (or returned
 * as text with finish_reason stop when `tool_retry: false`), calls split across stream chunks,
 * text held back only while it may be a call, and the model list reporting the endpoint honestly.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeServer } from '../fakes/harness.js';
import { stream, streamFrames } from '../fakes/openai.js';
import { ollamaChat, ollamaLines, ollamaStream, startFakeOllama } from '../fakes/ollama.js';
import { callBlock, lastUser, startFakeTextOnly, textReply, textStream } from '../fakes/text-only.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { collect } from '../conformance/suite.js';

let fake: FakeServer;
let gw: TestGateway;
let client: OpenAI;
const WEATHER = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false } },
};
const ASK: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
const base = (model = 'emu/retry') => ({ model, messages: ASK, tools: [WEATHER] });

before(async () => {
  fake = await startFakeTextOnly();
  const endpoint = (extra: Record<string, unknown>) => ({ provider: 'llama', model: 'base', pricing: { prompt: '0.000001', completion: '0.000001' }, ...extra });
  gw = await startGateway({
    providers: { llama: { type: 'openai-compatible', base_url: `${fake.url}/v1` } },
    models: [
      { id: 'emu/retry', endpoints: [endpoint({ tools: 'emulated', supported_parameters: ['temperature', 'max_tokens'] })] },
      { id: 'emu/noretry', endpoints: [endpoint({ tools: 'emulated', tool_retry: false })] },
      { id: 'plain/native', endpoints: [endpoint({})] },
    ],
  }, {});
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
});
after(async () => {
  await gw.close();
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe('non-streaming', () => {
  test('a well-formed call becomes tool_calls with a synthesized id; the upstream never sees tools', async () => {
    fake.enqueue(textReply(`I will look it up.\n${callBlock('get_weather', { city: 'Oslo' })}`, { prompt: 40, completion: 12 }));
    const r = await client.chat.completions.create(base());
    const m = r.choices[0]!.message;
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(m.content, 'I will look it up.');
    const call = m.tool_calls![0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    assert.match(call.id, /^call_/);
    assert.deepEqual([call.function.name, JSON.parse(call.function.arguments)], ['get_weather', { city: 'Oslo' }]);
    assert.equal(fake.requests.length, 1);
    assert.equal('tools' in fake.last!.body, false);
    assert.equal(r.usage?.total_tokens, 52);
  });

  test('a malformed call is retried once with the validation error; usage adds up', async () => {
    fake.enqueue(
      textReply(callBlock('get_weather', { town: 'Oslo' }), { prompt: 40, completion: 10 }),
      textReply(callBlock('get_weather', { city: 'Oslo', unit: 'c' }), { prompt: 70, completion: 11 }),
    );
    const r = await client.chat.completions.create(base());
    assert.equal(fake.requests.length, 2);
    const retry = lastUser(fake.requests[1]!);
    assert.match(retry, /do not match its schema/);
    assert.match(retry, /must have required property 'city'/);
    assert.match(retry, /unexpected property "town"/);
    const replay = fake.requests[1]!.body.messages.at(-2);
    assert.deepEqual([replay.role, replay.content], ['assistant', callBlock('get_weather', { town: 'Oslo' })], 'the model sees what it wrote');
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(JSON.parse((r.choices[0]!.message.tool_calls![0] as any).function.arguments), { city: 'Oslo', unit: 'c' });
    assert.equal(r.usage?.prompt_tokens, 110);
    assert.equal(r.usage?.completion_tokens, 21);
  });

  test('malformed twice: the second answer comes back as text with finish_reason stop', async () => {
    fake.enqueue(textReply(callBlock('get_wether', { city: 'Oslo' })), textReply('<tool_call>{"name": "get_weather", "arguments": {"city": </tool_call>'));
    const r = await client.chat.completions.create(base());
    assert.equal(fake.requests.length, 2, 'one retry, not more');
    assert.match(lastUser(fake.requests[1]!), /no tool named "get_wether"/);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.equal(r.choices[0]!.message.tool_calls, undefined);
    assert.equal(r.choices[0]!.message.content, '<tool_call>{"name": "get_weather", "arguments": {"city": </tool_call>');
  });

  test('tool_choice required but no call: retried for the call (the text stays)', async () => {
    fake.enqueue(textReply('It is probably sunny.'), textReply(callBlock('get_weather', { city: 'Oslo' })));
    const r = await client.chat.completions.create({ ...base(), tool_choice: 'required' });
    assert.equal(fake.requests.length, 2);
    assert.match(lastUser(fake.requests[1]!), /must call at least one tool/);
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(r.choices[0]!.message.content, 'It is probably sunny.');
    assert.equal(r.choices[0]!.message.tool_calls?.length, 1);
  });

  test('tool_retry: false → the malformed call is returned as text, finish_reason stop, one request', async () => {
    const bad = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"\n</tool_call>';
    fake.enqueue(textReply(`Checking. ${bad}`));
    const r = await client.chat.completions.create(base('emu/noretry'));
    assert.equal(fake.requests.length, 1);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.equal(r.choices[0]!.message.content, `Checking. ${bad}`);
  });

  test('a failed retry (upstream 500) leaves the first answer, as text', async () => {
    fake.enqueue(textReply(callBlock('get_weather', {})), { kind: 'json', status: 500, body: { error: { message: 'overloaded' } } });
    const r = await client.chat.completions.create(base());
    assert.equal(fake.requests.length, 2);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.equal(r.choices[0]!.message.content, callBlock('get_weather', {}));
  });

  test('the upstream really is text-only: without emulation, tools are refused', async () => {
    await assert.rejects(client.chat.completions.create(base('plain/native')), (e: any) => e.status === 400 && /no tool calling/.test(e.error.message));
  });
});

describe('streaming', () => {
  test('a call split across chunks byte by byte, after text that merely looks like a tag', async () => {
    fake.enqueue(textStream(['Is 3 < 4? <b>Yes</b>. ', `${callBlock('get_weather', { city: 'Oslo' })}\n`], { fragment: 'byte', usage: { prompt: 30, completion: 9 } }));
    const s = await collect(await client.chat.completions.create({ ...base(), stream: true }));
    assert.equal(s.content, 'Is 3 < 4? <b>Yes</b>.');
    assert.equal(s.toolCalls.length, 1);
    assert.equal(s.toolCalls[0]!.name, 'get_weather');
    assert.deepEqual(JSON.parse(s.toolCalls[0]!.arguments), { city: 'Oslo' });
    assert.equal(s.finish, 'tool_calls');
    assert.equal(s.usage?.prompt_tokens, 30);
  });

  test('text is released while the model is still writing; only a possible tag start waits', async () => {
    // the upstream sends "Hello" and " <to", then hangs: the client gets "Hello" anyway
    fake.enqueue(stream(streamFrames({ text: ['Hello', ' <to'] }).slice(0, 3), { hang: true }));
    const res = await client.chat.completions.create({ ...base(), stream: true });
    let first: string | undefined;
    for await (const chunk of res) {
      first = chunk.choices[0]?.delta?.content ?? undefined;
      if (first) break;
    }
    assert.equal(first, 'Hello');
    // and held text is released as soon as it cannot be a call
    fake.enqueue(textStream(['Hello', ' <to', 'ol_', ' no call.']));
    const seen: string[] = [];
    for await (const chunk of await client.chat.completions.create({ ...base(), stream: true })) {
      const d = chunk.choices[0]?.delta?.content;
      if (d) seen.push(d);
    }
    assert.deepEqual(seen, ['Hello', ' <tool_ no call.']);
  });

  test('a malformed streamed call is retried; the corrected call streams into the same response', async () => {
    fake.enqueue(
      textStream(['Sure. ', '<tool_call>{"name":"get_weather","arguments":{"city":42}}</tool_call>'], { usage: { prompt: 20, completion: 8 } }),
      textStream(['<tool_call>{"name":"get_weather",', '"arguments":{"city":"Oslo"}}</tool_call>'], { fragment: { random: 5 }, usage: { prompt: 50, completion: 9 } }),
    );
    const s = await collect(await client.chat.completions.create({ ...base(), stream: true }));
    assert.equal(fake.requests.length, 2);
    assert.match(lastUser(fake.requests[1]!), /arguments\.city must be string/);
    assert.equal(s.content, 'Sure.');
    assert.equal(s.toolCalls.length, 1);
    assert.deepEqual(JSON.parse(s.toolCalls[0]!.arguments), { city: 'Oslo' });
    assert.equal(s.finish, 'tool_calls');
    assert.equal(s.usage?.prompt_tokens, 70);
  });

  test('streaming, a named tool_choice and no call: the retry streams the call after the text', async () => {
    fake.enqueue(textStream(['Let me think.']), textStream([callBlock('get_weather', { city: 'Oslo' })], { fragment: 'byte' }));
    const s = await collect(await client.chat.completions.create({ ...base(), tool_choice: { type: 'function', function: { name: 'get_weather' } }, stream: true }));
    assert.match(lastUser(fake.requests[1]!), /must call "get_weather"/);
    assert.equal(s.content, 'Let me think.');
    assert.equal(s.toolCalls[0]?.name, 'get_weather');
    assert.equal(s.finish, 'tool_calls');
  });

  test('tool_retry: false → a malformed streamed call arrives as text with finish_reason stop', async () => {
    fake.enqueue(textStream(['<tool_call>{"name":"get_weather",', '"arguments":{"city":"Oslo"}']));
    const s = await collect(await client.chat.completions.create({ ...base('emu/noretry'), stream: true }));
    assert.equal(s.content, '<tool_call>{"name":"get_weather","arguments":{"city":"Oslo"}');
    assert.equal(s.toolCalls.length, 0);
    assert.equal(s.finish, 'stop');
  });
});

test('the model list reports the endpoint honestly: tools supported, notes say emulated', async () => {
  const list = (await (await fetch(`${gw.baseURL}/models?supported_parameters=tools`)).json()) as { data: { id: string }[] };
  assert.ok(list.data.some((m) => m.id === 'emu/retry'), 'an endpoint that declared no tools is listed as tool-capable');
  const eps = (await (await fetch(`${gw.baseURL}/models/emu/retry/endpoints`)).json()) as { data: { endpoints: any[] } };
  const e = eps.data.endpoints[0];
  assert.ok(e.supported_parameters.includes('tools') && e.supported_parameters.includes('tool_choice'));
  assert.equal(e.notes, 'tools: emulated');
  assert.deepEqual(e.supports_tool_choice, { auto: true, none: true, required: true, function: true });
});

test('any adapter can be wrapped: an Ollama model without tool support, streaming and not', async () => {
  const ollama = await startFakeOllama();
  const g = await startGateway({
    providers: { ol: { type: 'ollama', base_url: ollama.url } },
    models: [{ id: 'ol/base', endpoints: [{ provider: 'ol', model: 'llama2:7b', tools: 'emulated' }] }],
  }, {});
  try {
    const c = new OpenAI({ baseURL: g.baseURL, apiKey: 'x', maxRetries: 0 });
    ollama.enqueue(
      ollamaChat({ content: callBlock('get_weather', { city: 'Oslo' }) }),
      ollamaStream(ollamaLines({ content: ['It is ', 'sunny.'] }), 'byte'),
    );
    const r = await c.chat.completions.create({ ...base('ol/base') });
    assert.equal((r.choices[0]!.message.tool_calls![0] as any).function.name, 'get_weather');
    assert.equal(ollama.requests[0]!.body.tools, undefined);
    const s = await collect(await c.chat.completions.create({
      model: 'ol/base',
      tools: [WEATHER],
      stream: true,
      messages: [...ASK, r.choices[0]!.message, { role: 'tool', tool_call_id: r.choices[0]!.message.tool_calls![0]!.id, content: '{"sky":"clear"}' }],
    }));
    assert.equal(s.content, 'It is sunny.');
    const msgs = ollama.requests[1]!.body.messages;
    assert.deepEqual(msgs.map((m: any) => m.role), ['system', 'user', 'assistant', 'user'], 'no tool roles reach the text-only model');
    assert.match(msgs[3].content, /<tool_response name="get_weather">\n\{"sky":"clear"\}\n<\/tool_response>/);
  } finally {
    await g.close();
    await ollama.stop();
  }
});
