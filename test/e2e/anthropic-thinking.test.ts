/**
 * Interleaved thinking with tools (the seed's "Interleaved Thinking" section) through Switchyard to
 * a Claude model: a three-step agent loop with reasoning on, where every step's thinking blocks
 * must come back, signed and unchanged, before that turn's tool_use. The fake checks every
 * signature it issued and rejects a request whose final tool turn lacks its thinking block, so
 * the loop only completes if the gateway carries reasoning_details across turns. Driven by the
 * `openai` SDK and `@openrouter/sdk`, streaming and not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { answer, ANTHROPIC_KEY, ANTHROPIC_MODEL, redactedData, signThinking, type FakeBlock } from '../fakes/anthropic.js';
import type { RecordedRequest } from '../fakes/harness.js';
import { BOOKS, searchGutenbergBooks, searchGutenbergTool } from '../fixtures/books.js';
import { foldOpenAI, foldOpenRouter, getBookTool, startKit, type Detail, type Kit } from './anthropic-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const tools = [searchGutenbergTool, getBookTool];
const QUESTION = 'Which James Joyce book is the most downloaded? Reason about it.';
const REDACTED = redactedData('safety-redacted reasoning');

const STEP1: FakeBlock[] = [
  { type: 'thinking', thinking: "I need Joyce's books first; search the library." },
  { type: 'tool_use', id: 'toolu_01Step1', name: 'search_gutenberg_books', input: { search_terms: ['joyce'] } },
];
const STEP2: FakeBlock[] = [
  { type: 'thinking', thinking: 'Three titles. Ulysses is the likely favourite: check its downloads.' },
  { type: 'redacted_thinking', data: REDACTED },
  { type: 'tool_use', id: 'toolu_01Step2', name: 'get_book_details', input: { id: 4300 } },
];
const STEP3: FakeBlock[] = [
  { type: 'thinking', thinking: 'Ulysses has 120k downloads, more than the others.' },
  { type: 'text', text: 'Ulysses is the most downloaded James Joyce book.' },
];

const thinkingOf = (blocks: FakeBlock[]) =>
  blocks.filter((b) => b.type === 'thinking' || b.type === 'redacted_thinking').map((b) => (b.type === 'thinking' ? { type: 'thinking', thinking: b.thinking, signature: signThinking(b.thinking) } : b));

/**
 * The fake's script for one loop: each step checks the request it got (thinking on, the earlier
 * turns' thinking blocks first in their assistant turns) and answers with the next step.
 */
function script() {
  const seen: RecordedRequest[] = [];
  const step = (n: number, blocks: FakeBlock[]) => (req: RecordedRequest) => {
    seen.push(req);
    const b = req.body;
    assert.equal(b.thinking?.type, 'enabled', `step ${n}: thinking is on`);
    assert.equal(req.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14', `step ${n}: thinking between tool calls is asked for`);
    assert.ok(b.thinking.budget_tokens >= 1024 && b.max_tokens > b.thinking.budget_tokens, `step ${n}: budget rules`);
    const assistants = b.messages.filter((m: { role: string }) => m.role === 'assistant');
    assert.equal(assistants.length, n - 1);
    const earlier = [STEP1, STEP2].slice(0, n - 1);
    assistants.forEach((m: { content: { type: string }[] }, i: number) => {
      const want = thinkingOf(earlier[i]!);
      assert.deepEqual(m.content.slice(0, want.length), want, `step ${n}: turn ${i + 1} starts with its thinking, unchanged`);
      assert.equal(m.content[want.length]!.type, 'tool_use');
    });
    return answer(blocks, { chunk: 9, usage: { input_tokens: 300 * n, output_tokens: 50, cache_read_input_tokens: n > 1 ? 200 : 0 } })(req);
  };
  kit.fake.enqueue(step(1, STEP1), step(2, STEP2), step(3, STEP3));
  return seen;
}

function runTool(name: string, args: string): string {
  const a = JSON.parse(args);
  if (name === 'search_gutenberg_books') return JSON.stringify(searchGutenbergBooks(a.search_terms));
  assert.equal(name, 'get_book_details');
  return JSON.stringify({ ...BOOKS.find((b) => b.id === a.id), download_count: 120000 });
}

function assertStepDetails(details: Detail[] | undefined, blocks: FakeBlock[]) {
  const want = blocks
    .map((b, index) => ({ b, index }))
    .filter(({ b }) => b.type === 'thinking' || b.type === 'redacted_thinking')
    .map(({ b, index }) =>
      b.type === 'thinking'
        ? { type: 'reasoning.text', text: b.thinking, signature: signThinking(b.thinking), format: 'anthropic-claude-v1', index }
        : { type: 'reasoning.encrypted', data: (b as { data: string }).data, format: 'anthropic-claude-v1', index },
    );
  assert.deepEqual(details, want);
}

const STEPS = [STEP1, STEP2, STEP3];

describe('three-step agent loop with thinking on', () => {
  test('openai SDK, non-streaming: the assistant message goes back as received', async () => {
    const seen = script();
    const messages: any[] = [{ role: 'user', content: QUESTION }];
    for (let n = 0; n < 3; n++) {
      const res = await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools, reasoning: { effort: 'high' } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
      const msg = res.choices[0]!.message as any;
      assertStepDetails(msg.reasoning_details, STEPS[n]!);
      assert.equal(msg.reasoning, STEPS[n]!.filter((b) => b.type === 'thinking').map((b) => (b as { thinking: string }).thinking).join(''));
      if (n === 2) {
        assert.equal(res.choices[0]!.finish_reason, 'stop');
        assert.equal(msg.content, 'Ulysses is the most downloaded James Joyce book.');
        assert.equal(res.usage?.prompt_tokens, 900 + 200);
        assert.equal(res.usage?.prompt_tokens_details?.cached_tokens, 200);
        break;
      }
      assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
      messages.push(msg);
      for (const tc of msg.tool_calls) messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    }
    assert.equal(seen.length, 3);
  });

  test('openai SDK, streaming: reasoning_details fragments merged by index round-trip', async () => {
    const seen = script();
    const messages: any[] = [{ role: 'user', content: QUESTION }];
    for (let n = 0; n < 3; n++) {
      const out = await foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, messages, tools, stream: true, reasoning: { max_tokens: 2048 } } as unknown as OpenAI.ChatCompletionCreateParamsStreaming));
      assert.equal(out.error, undefined);
      assertStepDetails(out.reasoningDetails, STEPS[n]!);
      if (n === 2) {
        assert.equal(out.content, 'Ulysses is the most downloaded James Joyce book.');
        break;
      }
      messages.push({ role: 'assistant', content: out.content || null, tool_calls: out.toolCalls, reasoning_details: out.reasoningDetails });
      for (const tc of out.toolCalls) messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    }
    assert.equal(seen.length, 3);
    assert.deepEqual(seen[0]!.body.thinking, { type: 'enabled', budget_tokens: 2048 });
  });

  test('@openrouter/sdk, non-streaming: reasoningDetails go back through the SDK', async () => {
    const seen = script();
    const messages: any[] = [{ role: 'user', content: QUESTION }];
    for (let n = 0; n < 3; n++) {
      const res: any = await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools, reasoning: { effort: 'medium' } } });
      const msg = res.choices[0].message;
      assertStepDetails(msg.reasoningDetails, STEPS[n]!);
      if (n === 2) {
        assert.equal(msg.content, 'Ulysses is the most downloaded James Joyce book.');
        break;
      }
      messages.push(msg);
      for (const tc of msg.toolCalls) messages.push({ role: 'tool', toolCallId: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    }
    assert.equal(seen.length, 3);
  });

  test('@openrouter/sdk, streaming', async () => {
    const seen = script();
    const messages: any[] = [{ role: 'user', content: QUESTION }];
    for (let n = 0; n < 3; n++) {
      const out = await foldOpenRouter((await kit.openrouter.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools, stream: true, reasoning: { effort: 'high' } } })) as AsyncIterable<unknown>);
      assert.equal(out.error, undefined);
      assertStepDetails(out.reasoningDetails, STEPS[n]!);
      if (n === 2) break;
      messages.push({ role: 'assistant', content: out.content || null, toolCalls: out.toolCalls, reasoningDetails: out.reasoningDetails });
      for (const tc of out.toolCalls) messages.push({ role: 'tool', toolCallId: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    }
    assert.equal(seen.length, 3);
  });
});

describe('signatures', () => {
  const step2History = (details: unknown[] | undefined) => [
    { role: 'user', content: QUESTION },
    { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01Step1', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["joyce"]}' } }], ...(details ? { reasoning_details: details } : {}) },
    { role: 'tool', tool_call_id: 'toolu_01Step1', content: '[]' },
  ];
  const t = STEP1[0] as { thinking: string };

  test('the fake rejects a thinking-on tool turn whose signed thinking was dropped (what a careless gateway would send)', async () => {
    const res = await fetch(`${kit.fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 2048 },
        tools: [{ name: 'search_gutenberg_books', input_schema: { type: 'object' } }],
        messages: [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01Step1', name: 'search_gutenberg_books', input: { search_terms: ['joyce'] } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Step1', content: '[]' }] },
        ],
      }),
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
  });

  test('an edited signature is the client’s 400, with the fake’s message and raw body', async () => {
    await assert.rejects(
      kit.openai.chat.completions.create({
        model: ANTHROPIC_MODEL,
        tools,
        reasoning: { effort: 'high' },
        messages: step2History([{ type: 'reasoning.text', text: t.thinking, signature: signThinking(t.thinking).slice(0, -4) + 'AAAA', format: 'anthropic-claude-v1', index: 0 }]),
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
      (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError);
        assert.match(e.message, /Invalid `signature` in `thinking` block/);
        const meta = (e.error as { metadata: { provider_name: string; raw: string } }).metadata;
        assert.equal(meta.provider_name, 'fakeanthropic');
        assert.equal(JSON.parse(meta.raw).error.type, 'invalid_request_error');
        return true;
      },
    );
  });

  test('edited thinking text under a valid signature is rejected too', async () => {
    await assert.rejects(
      kit.openai.chat.completions.create({
        model: ANTHROPIC_MODEL,
        tools,
        reasoning: { effort: 'high' },
        messages: step2History([{ type: 'reasoning.text', text: `${t.thinking}!`, signature: signThinking(t.thinking), format: 'anthropic-claude-v1', index: 0 }]),
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
      (e: unknown) => e instanceof OpenAI.BadRequestError,
    );
  });

  test('a plain client that drops reasoning_details still works: that request runs without thinking', async () => {
    kit.fake.enqueue(answer([{ type: 'text', text: 'Found nothing.' }]));
    const res = await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, tools, reasoning: { effort: 'high' }, messages: step2History(undefined) } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(res.choices[0]!.message.content, 'Found nothing.');
    const sent = kit.fake.last!.body;
    assert.equal(sent.thinking, undefined);
    assert.deepEqual(sent.messages[1].content.map((b: { type: string }) => b.type), ['tool_use']);
  });

  test('reasoning.exclude: thinking on upstream, nothing of it in the response', async () => {
    kit.fake.enqueue(answer(STEP1), answer(STEP1, { chunk: 4 }));
    const res = (await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, tools, reasoning: { effort: 'low', exclude: true }, messages: [{ role: 'user', content: QUESTION }] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)) as any;
    assert.equal(kit.fake.last!.body.thinking.type, 'enabled');
    assert.equal(res.choices[0].message.reasoning, null);
    assert.equal(res.choices[0].message.reasoning_details, undefined);
    assert.equal(res.choices[0].message.tool_calls[0].id, 'toolu_01Step1');
    const streamed = await foldOpenAI(await kit.openai.chat.completions.create({ model: ANTHROPIC_MODEL, tools, stream: true, reasoning: { effort: 'low', exclude: true }, messages: [{ role: 'user', content: QUESTION }] } as unknown as OpenAI.ChatCompletionCreateParamsStreaming));
    assert.equal(streamed.reasoning, '');
    assert.deepEqual(streamed.reasoningDetails, []);
    assert.equal(streamed.toolCalls.length, 1);
  });

  test('thinking rules are met, never a provider 400: temperature, top_k, forced tool_choice, tiny max_tokens', async () => {
    kit.fake.enqueue(answer(STEP1));
    await kit.openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      tools,
      tool_choice: { type: 'function', function: { name: 'search_gutenberg_books' } },
      temperature: 0.2,
      top_k: 10,
      max_tokens: 300,
      reasoning: { max_tokens: 1500 },
      messages: [{ role: 'user', content: QUESTION }],
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const b = kit.fake.last!.body;
    assert.deepEqual(b.thinking, { type: 'enabled', budget_tokens: 1500 });
    assert.equal(b.max_tokens, 1800);
    assert.equal(b.temperature, undefined);
    assert.equal(b.top_k, undefined);
    assert.deepEqual(b.tool_choice, { type: 'auto' });
    assert.deepEqual(b.tools.map((x: { name: string }) => x.name), ['search_gutenberg_books']);
  });
});
