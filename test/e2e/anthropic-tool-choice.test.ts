/**
 * tool_choice and parallel_tool_calls through Switchyard to the Anthropic fake: every OpenAI value
 * becomes the Anthropic shape (none/auto/any/tool, disable_parallel_tool_use), with the `openai`
 * SDK and `@openrouter/sdk`; plus the history errors the gateway answers itself with a clear 400
 * instead of forwarding them into a provider 400.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { answer, ANTHROPIC_MODEL, type FakeBlock } from '../fakes/anthropic.js';
import { searchGutenbergTool } from '../fixtures/books.js';
import { foldOpenAI, startKit, weatherTool, type Kit } from './anthropic-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const tools = [searchGutenbergTool, weatherTool];
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
const CALL: FakeBlock[] = [{ type: 'tool_use', id: 'toolu_01Oslo', name: 'get_weather', input: { city: 'Oslo' } }];
const TEXT: FakeBlock[] = [{ type: 'text', text: 'I cannot check the weather.' }];

describe('every tool_choice value, parallel on and off (openai SDK)', () => {
  const named = { type: 'function' as const, function: { name: 'get_weather' } };
  const cases: [string, OpenAI.ChatCompletionToolChoiceOption | undefined, boolean | undefined, unknown, FakeBlock[]][] = [
    ['absent', undefined, undefined, undefined, CALL],
    ['absent, parallel off', undefined, false, { type: 'auto', disable_parallel_tool_use: true }, CALL],
    ['none', 'none', undefined, { type: 'none' }, TEXT],
    ['none, parallel off', 'none', false, { type: 'none' }, TEXT],
    ['auto', 'auto', undefined, { type: 'auto' }, CALL],
    ['auto, parallel on', 'auto', true, { type: 'auto' }, CALL],
    ['auto, parallel off', 'auto', false, { type: 'auto', disable_parallel_tool_use: true }, CALL],
    ['required', 'required', undefined, { type: 'any' }, CALL],
    ['required, parallel off', 'required', false, { type: 'any', disable_parallel_tool_use: true }, CALL],
    ['named', named, undefined, { type: 'tool', name: 'get_weather' }, CALL],
    ['named, parallel off', named, false, { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }, CALL],
  ];
  for (const [name, choice, parallel, want, reply] of cases) {
    test(name, async () => {
      kit.fake.enqueue(answer(reply));
      const params: OpenAI.ChatCompletionCreateParamsNonStreaming = { model: ANTHROPIC_MODEL, messages, tools };
      if (choice !== undefined) params.tool_choice = choice;
      if (parallel !== undefined) params.parallel_tool_calls = parallel;
      const res = await kit.openai.chat.completions.create(params);
      const sent = kit.fake.last!.body;
      assert.deepEqual(sent.tool_choice, want);
      assert.deepEqual(sent.tools.map((t: { name: string }) => t.name), ['search_gutenberg_books', 'get_weather'], 'tools are always sent (history may use them)');
      assert.equal('parallel_tool_calls' in sent, false);
      assert.equal(res.choices[0]!.finish_reason, reply === CALL ? 'tool_calls' : 'stop');
    });
  }
});

describe('@openrouter/sdk', () => {
  test('toolChoice required + parallelToolCalls false, streaming', async () => {
    kit.fake.enqueue(answer(CALL));
    const s = await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: messages as any, tools, toolChoice: 'required', parallelToolCalls: false, stream: true } });
    for await (const _ of s as AsyncIterable<unknown>);
    assert.deepEqual(kit.fake.last!.body.tool_choice, { type: 'any', disable_parallel_tool_use: true });
  });
  test('a named tool', async () => {
    kit.fake.enqueue(answer(CALL));
    const res: any = await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: messages as any, tools, toolChoice: { type: 'function', function: { name: 'get_weather' } } } });
    assert.deepEqual(kit.fake.last!.body.tool_choice, { type: 'tool', name: 'get_weather' });
    assert.equal(res.choices[0].message.toolCalls[0].function.arguments, '{"city":"Oslo"}');
  });
  test('none', async () => {
    kit.fake.enqueue(answer(TEXT));
    const res: any = await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: messages as any, tools, toolChoice: 'none' } });
    assert.deepEqual(kit.fake.last!.body.tool_choice, { type: 'none' });
    assert.equal(res.choices[0].finishReason, 'stop');
  });
});

describe('zero-argument tools', () => {
  const now = { type: 'function' as const, function: { name: 'current_time', description: 'The time now' } };
  test('no parameters → an empty object schema; the streamed call gets "{}" arguments', async () => {
    kit.fake.enqueue(answer([{ type: 'tool_use', id: 'toolu_01Now', name: 'current_time', input: {} }]));
    const out = await foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'time?' }], tools: [now], stream: true }));
    assert.deepEqual(kit.fake.last!.body.tools, [{ name: 'current_time', description: 'The time now', input_schema: { type: 'object', properties: {} } }]);
    assert.deepEqual(out.toolCalls, [{ id: 'toolu_01Now', type: 'function', function: { name: 'current_time', arguments: '{}' } }]);
    // and the call goes back with input {} (empty arguments are fine)
    kit.fake.enqueue(answer([{ type: 'text', text: 'It is noon.' }]));
    const res = await kit.openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      tools: [now],
      messages: [
        { role: 'user', content: 'time?' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'toolu_01Now', type: 'function', function: { name: 'current_time', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'toolu_01Now', content: '12:00' },
      ],
    });
    assert.equal(res.choices[0]!.message.content, 'It is noon.');
    assert.deepEqual(kit.fake.last!.body.messages[1].content, [{ type: 'tool_use', id: 'toolu_01Now', name: 'current_time', input: {} }]);
  });
});

describe('history the gateway refuses itself (400, never sent upstream)', () => {
  const expect400 = async (body: Record<string, unknown>, re: RegExp) => {
    const before = kit.fake.requests.length;
    await assert.rejects(kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, tools, ...body } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError, String(e));
      assert.match(e.message, re);
      return true;
    });
    assert.equal(kit.fake.requests.length, before, 'nothing reached the upstream');
  };
  test('tool-call arguments that are not JSON: the message and the call are named', () =>
    expect400(
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_broken', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Os' } }] },
          { role: 'tool', tool_call_id: 'call_broken', content: 'x' },
        ],
      },
      /messages\[1\]\.tool_calls\[0\]\.function\.arguments \(tool call "call_broken"\): arguments must be a JSON object/,
    ));
  test('a tool call left without its result', () =>
    expect400(
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }, { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_a', content: 'x' },
          { role: 'user', content: 'and?' },
        ],
      },
      /messages\[1\]\.tool_calls\[1\]: tool call "call_b" has no tool result/,
    ));
  test('a whitespace stop sequence', () => expect400({ messages, stop: ['\n'] }, /whitespace-only stop sequences/));
  test('an image type Claude cannot read', () =>
    expect400({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,SUkq' } }] }] }, /messages\[0\]\.content\[0\]\.image_url\.url: image type "image\/tiff"/));
});
