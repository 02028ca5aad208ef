/**
 * The seed's book-search flow (shared/seed/tool-calling.md) through Switchyard to a Claude model
 * behind an `anthropic` provider, with the official `openai` SDK and `@openrouter/sdk`, unchanged:
 * tools → tool_use → role:"tool" result → final answer, non-streaming and streaming; two parallel
 * tool calls; streams cut at every byte and at random places.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { answer, ANTHROPIC_KEY, ANTHROPIC_MODEL, ANTHROPIC_UPSTREAM_MODEL, type FakeBlock } from '../fakes/anthropic.js';
import type { RecordedRequest } from '../fakes/harness.js';
import { SEED_QUESTION, SEED_SYSTEM, searchGutenbergBooks, searchGutenbergTool } from '../fixtures/books.js';
import { foldOpenAI, foldOpenRouter, startKit, weatherTool, type Kit } from './anthropic-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const tools = [searchGutenbergTool];
const SEARCH: FakeBlock[] = [
  { type: 'text', text: "I'll search the Gutenberg library for James Joyce." },
  { type: 'tool_use', id: 'toolu_01SeedSearch', name: 'search_gutenberg_books', input: { search_terms: ['james', 'joyce'] } },
];
const TITLES = 'Ulysses, Dubliners, A Portrait of the Artist as a Young Man';

/** The fake's second answer: it reads the tool result it was sent and names the titles. */
function finalAnswer(req: RecordedRequest) {
  const last = req.body.messages.at(-1);
  assert.equal(last.role, 'user');
  const result = last.content.find((b: { type: string }) => b.type === 'tool_result');
  assert.equal(result.tool_use_id, 'toolu_01SeedSearch');
  const titles = JSON.parse(result.content).map((b: { title: string }) => b.title).join(', ');
  return answer([{ type: 'text', text: `Here are some James Joyce books: ${titles}.` }], { usage: { input_tokens: 140, output_tokens: 22 } })(req);
}

const runTool = (name: string, args: string) => {
  assert.equal(name, 'search_gutenberg_books');
  return JSON.stringify(searchGutenbergBooks(JSON.parse(args).search_terms));
};

/** What every first-step request must look like on the Anthropic wire. */
function assertFirstRequest(req: RecordedRequest, stream: boolean) {
  assert.equal(req.path, '/v1/messages');
  assert.equal(req.headers['x-api-key'], ANTHROPIC_KEY);
  assert.equal(req.headers['anthropic-version'], '2023-06-01');
  assert.equal(req.headers.authorization, undefined, 'the client key never reaches the upstream');
  const b = req.body;
  assert.equal(b.model, ANTHROPIC_UPSTREAM_MODEL);
  assert.equal(b.max_tokens, 4096);
  assert.equal(b.system, SEED_SYSTEM);
  assert.deepEqual(b.messages, [{ role: 'user', content: [{ type: 'text', text: SEED_QUESTION }] }]);
  assert.deepEqual(b.tools, [{ name: 'search_gutenberg_books', description: searchGutenbergTool.function.description, input_schema: searchGutenbergTool.function.parameters }]);
  assert.equal(b.stream, stream ? true : undefined);
}

/** What the second request carries: the assistant tool_use turn, then the tool_result turn. */
function assertSecondRequest(req: RecordedRequest) {
  const [, assistant, user] = req.body.messages;
  assert.deepEqual(assistant, {
    role: 'assistant',
    content: [
      { type: 'text', text: "I'll search the Gutenberg library for James Joyce." },
      { type: 'tool_use', id: 'toolu_01SeedSearch', name: 'search_gutenberg_books', input: { search_terms: ['james', 'joyce'] } },
    ],
  });
  assert.equal(user.content[0].type, 'tool_result');
}

describe('openai SDK', () => {
  test('non-streaming: tool call, tool result, final answer', async () => {
    kit.fake.enqueue(answer(SEARCH), finalAnswer);
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: SEED_SYSTEM }, { role: 'user', content: SEED_QUESTION }];
    const first = await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools });
    assertFirstRequest(kit.fake.last!, false);
    assert.match(first.id, /^gen-/);
    assert.equal(first.model, ANTHROPIC_MODEL);
    assert.equal((first as unknown as { provider: string }).provider, 'fakeanthropic');
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal((choice as unknown as { native_finish_reason: string }).native_finish_reason, 'tool_use');
    assert.equal(choice.message.content, "I'll search the Gutenberg library for James Joyce.");
    assert.deepEqual(choice.message.tool_calls, [
      { id: 'toolu_01SeedSearch', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' } },
    ]);
    assert.equal(first.usage?.prompt_tokens, 25);
    assert.equal(first.usage?.completion_tokens, 12);
    assert.equal((first.usage as unknown as { cost: number }).cost, 25 * 0.000003 + 12 * 0.000015);

    messages.push(choice.message as ChatCompletionMessageParam);
    for (const tc of choice.message.tool_calls!) if (tc.type === 'function') messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    const second = await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools });
    assertSecondRequest(kit.fake.last!);
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    assert.equal((second.choices[0] as unknown as { native_finish_reason: string }).native_finish_reason, 'end_turn');
    assert.equal(second.choices[0]!.message.content, `Here are some James Joyce books: ${TITLES}.`);
    assert.equal(second.choices[0]!.message.tool_calls, undefined);
    assert.equal(second.usage?.prompt_tokens, 140);
  });

  test('streaming: the same flow, chunk by chunk', async () => {
    kit.fake.enqueue(answer(SEARCH, { chunk: 5 }), finalAnswer);
    const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: SEED_SYSTEM }, { role: 'user', content: SEED_QUESTION }];
    const first = await foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools, stream: true }));
    assertFirstRequest(kit.fake.last!, true);
    assert.equal(first.error, undefined);
    assert.ok(first.roleOnFirstDeltaOnly);
    assert.equal(first.content, "I'll search the Gutenberg library for James Joyce.");
    assert.deepEqual(first.toolCalls, [{ id: 'toolu_01SeedSearch', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' } }]);
    assert.equal(first.finishReason, 'tool_calls');
    assert.equal(first.nativeFinishReason, 'tool_use');
    assert.equal(first.usage.prompt_tokens, 25);
    assert.equal(first.usage.completion_tokens, 12);

    messages.push({ role: 'assistant', content: first.content, tool_calls: first.toolCalls });
    for (const tc of first.toolCalls) messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    const second = await foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools, stream: true }));
    assertSecondRequest(kit.fake.last!);
    assert.equal(second.content, `Here are some James Joyce books: ${TITLES}.`);
    assert.equal(second.finishReason, 'stop');
    assert.deepEqual(second.toolCalls, []);
  });
});

describe('@openrouter/sdk', () => {
  test('non-streaming: tool call, tool result, final answer', async () => {
    kit.fake.enqueue(answer(SEARCH), finalAnswer);
    const messages: any[] = [{ role: 'system', content: SEED_SYSTEM }, { role: 'user', content: SEED_QUESTION }];
    const first: any = await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools, toolChoice: 'auto' } });
    const req = kit.fake.last!;
    assert.deepEqual(req.body.tool_choice, { type: 'auto' });
    const choice = first.choices[0];
    assert.equal(choice.finishReason, 'tool_calls');
    assert.deepEqual(choice.message.toolCalls, [{ id: 'toolu_01SeedSearch', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' } }]);
    assert.equal(first.usage.promptTokens, 25);
    messages.push(choice.message);
    for (const tc of choice.message.toolCalls) messages.push({ role: 'tool', toolCallId: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    const second: any = await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools } });
    assertSecondRequest(kit.fake.last!);
    assert.equal(second.choices[0].finishReason, 'stop');
    assert.equal(second.choices[0].message.content, `Here are some James Joyce books: ${TITLES}.`);
  });

  test('streaming: tool call deltas and the usage chunk', async () => {
    kit.fake.enqueue(answer(SEARCH, { chunk: 3 }), finalAnswer);
    const messages: any[] = [{ role: 'system', content: SEED_SYSTEM }, { role: 'user', content: SEED_QUESTION }];
    const first = await foldOpenRouter((await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools, stream: true } })) as AsyncIterable<unknown>);
    assertFirstRequest(kit.fake.last!, true);
    assert.equal(first.error, undefined);
    assert.deepEqual(first.toolCalls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]), [['toolu_01SeedSearch', 'search_gutenberg_books', { search_terms: ['james', 'joyce'] }]]);
    assert.equal(first.finishReason, 'tool_calls');
    assert.equal(first.usage.promptTokens, 25);
    messages.push({ role: 'assistant', content: first.content, toolCalls: first.toolCalls });
    for (const tc of first.toolCalls) messages.push({ role: 'tool', toolCallId: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    const second = await foldOpenRouter((await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools, stream: true } })) as AsyncIterable<unknown>);
    assertSecondRequest(kit.fake.last!);
    assert.equal(second.content, `Here are some James Joyce books: ${TITLES}.`);
    assert.equal(second.finishReason, 'stop');
  });
});

describe('two parallel tool calls', () => {
  const PARALLEL: FakeBlock[] = [
    { type: 'tool_use', id: 'toolu_01Paris', name: 'get_weather', input: { city: 'Paris' }, fragments: ['{"ci', 'ty":"Par', 'is"}'] },
    { type: 'tool_use', id: 'toolu_01Rome', name: 'get_weather', input: { city: 'Rome' } },
  ];
  const followUp = (req: RecordedRequest) => {
    const results = req.body.messages.at(-1);
    assert.deepEqual(results, {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01Paris', content: '18C sunny' },
        { type: 'tool_result', tool_use_id: 'toolu_01Rome', content: '24C clear' },
      ],
    });
    return answer([{ type: 'text', text: 'Paris 18C, Rome 24C.' }])(req);
  };
  const question: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];

  for (const stream of [false, true]) {
    test(`openai SDK, ${stream ? 'streaming' : 'non-streaming'}: both calls in order, both results in one user turn`, async () => {
      kit.fake.enqueue(answer(PARALLEL), followUp);
      let calls;
      if (stream) calls = (await foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: question, tools: [weatherTool], stream: true }))).toolCalls;
      else calls = (await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: question, tools: [weatherTool] })).choices[0]!.message.tool_calls as any[];
      assert.deepEqual(calls.map((c) => [c.id, c.function.name, c.function.arguments]), [
        ['toolu_01Paris', 'get_weather', '{"city":"Paris"}'],
        ['toolu_01Rome', 'get_weather', '{"city":"Rome"}'],
      ]);
      const messages: ChatCompletionMessageParam[] = [
        ...question,
        { role: 'assistant', content: null, tool_calls: calls },
        { role: 'tool', tool_call_id: 'toolu_01Paris', content: '18C sunny' },
        { role: 'tool', tool_call_id: 'toolu_01Rome', content: '24C clear' },
      ];
      const done = await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools: [weatherTool] });
      assert.equal(done.choices[0]!.message.content, 'Paris 18C, Rome 24C.');
      // the assistant turn carries both tool_use blocks and no empty text block
      assert.deepEqual(kit.fake.last!.body.messages[1].content.map((b: { type: string }) => b.type), ['tool_use', 'tool_use']);
    });
  }

  test('@openrouter/sdk, streaming: two calls numbered 0 and 1', async () => {
    kit.fake.enqueue(answer(PARALLEL, { chunk: 2 }));
    const out = await foldOpenRouter((await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages: question as any, tools: [weatherTool], stream: true } })) as AsyncIterable<unknown>);
    assert.deepEqual(out.toolCalls.map((c) => c.id), ['toolu_01Paris', 'toolu_01Rome']);
    assert.equal(out.finishReason, 'tool_calls');
  });
});

describe('fragmented upstream streams', () => {
  const BLOCKS: FakeBlock[] = [
    { type: 'thinking', thinking: 'Joyce → search. Ünïcödé ✓ 書' },
    { type: 'text', text: 'Searching… “Joyce” 📚' },
    { type: 'tool_use', id: 'toolu_01Frag', name: 'search_gutenberg_books', input: { search_terms: ['joyce', 'ü'] } },
  ];
  const ask = async () =>
    foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages: [{ role: 'user', content: 'Joyce?' }], tools, stream: true, ...({ reasoning: { effort: 'low' } } as object) }));
  let reference: Awaited<ReturnType<typeof ask>>;

  test('frame by frame (reference)', async () => {
    kit.fake.enqueue(answer(BLOCKS));
    reference = await ask();
    assert.equal(reference.content, 'Searching… “Joyce” 📚');
    assert.equal(reference.reasoning, 'Joyce → search. Ünïcödé ✓ 書');
    assert.equal(reference.toolCalls[0]!.function.arguments, '{"search_terms":["joyce","ü"]}');
  });
  for (const fragment of ['byte', { random: 7 }, { random: 40 }, { every: 3 }] as const) {
    test(`cut ${JSON.stringify(fragment)}: the same answer`, async () => {
      kit.fake.enqueue(answer(BLOCKS, { fragment }));
      const out = await ask();
      assert.equal(out.error, undefined);
      assert.equal(out.content, reference.content);
      assert.equal(out.reasoning, reference.reasoning);
      assert.deepEqual(out.reasoningDetails, reference.reasoningDetails);
      assert.deepEqual(out.toolCalls, reference.toolCalls);
      assert.equal(out.finishReason, 'tool_calls');
      assert.deepEqual(out.usage, reference.usage);
    });
  }
});

describe('prompt caching and images', () => {
  test('cache_control on system, content parts, tools and tool results reaches Anthropic; cache usage is priced', async () => {
    kit.fake.enqueue(answer([{ type: 'text', text: 'A cat.' }], { usage: { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 1800, cache_creation_input_tokens: 200 } }));
    const res = await kit.openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' } } as never],
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'A very long manual…', cache_control: { type: 'ephemeral', ttl: '1h' } } as never] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?', cache_control: { type: 'ephemeral' } } as never,
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    const b = kit.fake.last!.body;
    assert.deepEqual(b.system, [{ type: 'text', text: 'A very long manual…', cache_control: { type: 'ephemeral', ttl: '1h' } }]);
    assert.deepEqual(b.messages[0].content, [
      { type: 'text', text: 'What is in this picture?', cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
    assert.deepEqual(b.tools[0].cache_control, { type: 'ephemeral' });
    const u = res.usage as any;
    assert.equal(u.prompt_tokens, 2100);
    assert.equal(u.completion_tokens, 50);
    assert.equal(u.prompt_tokens_details.cached_tokens, 1800);
    assert.equal(u.prompt_tokens_details.cache_write_tokens, 200);
    assert.equal(u.cost, Math.round((100 * 0.000003 + 1800 * 0.0000003 + 200 * 0.00000375 + 50 * 0.000015) * 1e12) / 1e12);
  });
});
