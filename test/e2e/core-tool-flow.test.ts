/**
 * The seed's tool-calling flow through Switchyard with the official `openai` SDK, unchanged, over a
 * wire-level fake OpenAI upstream: request with tools → tool_calls → run the tool → role:tool
 * result → final answer, non-streaming and streaming; parallel calls; tool_choice forwarding; long
 * streams, which past their first chunks the OpenAI parser reads through templates shared by all
 * streams (src/providers/shared/json-chunks.ts): what the client assembles must be exactly what the
 * upstream sent (text with quotes, escapes, newlines and astral characters, two tool calls'
 * arguments in many fragments, streams after streams whose ids differ, bytes cut anywhere).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { completion, startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/harness.js';
import { SEED_QUESTION, SEED_SYSTEM, searchGutenbergBooks, searchGutenbergTool } from '../fixtures/books.js';
import { openaiConfig, startGateway, type TestGateway } from '../helpers/gateway.js';

let fake: FakeServer;
let gw: TestGateway;
let client: OpenAI;

before(async () => {
  fake = await startFakeOpenAI();
  gw = await startGateway(openaiConfig(fake.url), {});
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'any', maxRetries: 0 });
});
after(async () => {
  await gw.close();
  await fake.stop();
});

const tools = [searchGutenbergTool];
const MODEL = 'openai/gpt-4o-mini';

function runTool(name: string, args: string): string {
  assert.equal(name, 'search_gutenberg_books');
  return JSON.stringify(searchGutenbergBooks(JSON.parse(args).search_terms));
}

describe('seed book-search flow, non-streaming', () => {
  test('tool call, tool result, final answer', async () => {
    fake.enqueue(completion({ tool_calls: [{ id: 'call_abc', name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' }] }));
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: SEED_SYSTEM },
      { role: 'user', content: SEED_QUESTION },
    ];
    const first = await client.chat.completions.create({ model: MODEL, messages, tools });
    assert.match(first.id, /^gen-/);
    assert.equal(first.model, MODEL);
    assert.equal((first as unknown as { provider: string }).provider, 'fakeopenai');
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    assert.deepEqual(choice.message.tool_calls, [
      { id: 'call_abc', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"]}' } },
    ]);
    assert.equal(first.usage?.prompt_tokens, 12);
    assert.equal(first.usage?.completion_tokens, 9);
    assert.equal((first.usage as unknown as { cost: number }).cost, 12 * 0.00000015 + 9 * 0.0000006);

    // what the upstream got: the upstream model id, the tools, nothing gateway-only, the upstream key
    const sent = fake.last!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, 'Bearer sk-upstream-secret');
    assert.equal(sent.body.model, 'gpt-4o-mini');
    assert.deepEqual(sent.body.tools, tools);
    assert.deepEqual(sent.body.messages, messages);

    messages.push(choice.message as ChatCompletionMessageParam);
    for (const tc of choice.message.tool_calls!) {
      if (tc.type !== 'function') continue;
      messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    }
    fake.enqueue((req) => {
      const toolMsg = req.body.messages.at(-1);
      assert.equal(toolMsg.role, 'tool');
      assert.equal(toolMsg.tool_call_id, 'call_abc');
      const titles = JSON.parse(toolMsg.content).map((b: { title: string }) => b.title);
      return completion({ content: `Some James Joyce books: ${titles.join(', ')}.` });
    });
    const second = await client.chat.completions.create({ model: MODEL, messages, tools });
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    assert.equal(second.choices[0]!.message.content, 'Some James Joyce books: Ulysses, Dubliners, A Portrait of the Artist as a Young Man.');
    assert.equal(second.choices[0]!.message.tool_calls, undefined);
  });

  test('two parallel tool calls, both results sent back', async () => {
    fake.enqueue(
      completion({
        tool_calls: [
          { id: 'call_1', name: 'search_gutenberg_books', arguments: '{"search_terms":["joyce"]}' },
          { id: 'call_2', name: 'search_gutenberg_books', arguments: '{"search_terms":["austen"]}' },
        ],
      }),
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Books by Joyce and by Austen?' }];
    const r = await client.chat.completions.create({ model: MODEL, messages, tools, parallel_tool_calls: true });
    const calls = r.choices[0]!.message.tool_calls!;
    assert.equal(calls.length, 2);
    assert.equal(fake.last!.body.parallel_tool_calls, true);
    messages.push(r.choices[0]!.message as ChatCompletionMessageParam);
    for (const tc of calls) if (tc.type === 'function') messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
    fake.enqueue((req) => {
      const results = req.body.messages.filter((m: { role: string }) => m.role === 'tool');
      assert.deepEqual(results.map((m: { tool_call_id: string }) => m.tool_call_id), ['call_1', 'call_2']);
      return completion({ content: 'Joyce wrote Ulysses; Austen wrote Emma.' });
    });
    const final = await client.chat.completions.create({ model: MODEL, messages, tools });
    assert.equal(final.choices[0]!.message.content, 'Joyce wrote Ulysses; Austen wrote Emma.');
  });

  test('tool_choice and parallel_tool_calls are forwarded as given', async () => {
    const choices = ['none', 'auto', 'required', { type: 'function', function: { name: 'search_gutenberg_books' } }] as const;
    for (const tool_choice of choices) {
      fake.enqueue(completion({ content: 'ok' }));
      await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools, tool_choice, parallel_tool_calls: false });
      assert.deepEqual(fake.last!.body.tool_choice, tool_choice);
      assert.equal(fake.last!.body.parallel_tool_calls, false);
    }
  });

  test('a tool call without arguments gets "{}"', async () => {
    fake.enqueue({
      kind: 'json',
      body: {
        id: 'x', object: 'chat.completion', created: 1, model: 'm',
        choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_z', type: 'function', function: { name: 'search_gutenberg_books', arguments: '' } }] } }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    });
    const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools });
    assert.equal(r.choices[0]!.message.tool_calls![0]!.type === 'function' && r.choices[0]!.message.tool_calls![0]!.function.arguments, '{}');
  });
});

describe('seed book-search flow, streaming', () => {
  async function collect(s: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of s) chunks.push(c);
    return chunks;
  }

  for (const fragment of ['frame', 'byte', { random: 9 }] as const) {
    test(`tool-call deltas, finish, usage (upstream cut: ${JSON.stringify(fragment)})`, async () => {
      fake.enqueue(stream(streamFrames({ toolCalls: [{ id: 'call_s1', name: 'search_gutenberg_books', args: ['{"search_', 'terms":["jam', 'es","joyce"]}'] }] }), { fragment }));
      const s = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'system', content: SEED_SYSTEM }, { role: 'user', content: SEED_QUESTION }],
        tools,
        stream: true,
      });
      const chunks = await collect(s);
      assert.equal(fake.last!.body.stream, true);
      assert.deepEqual(fake.last!.body.stream_options, { include_usage: true });
      const deltas = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
      assert.equal(deltas[0]!.index, 0);
      assert.equal(deltas[0]!.id, 'call_s1');
      assert.equal(deltas[0]!.function?.name, 'search_gutenberg_books');
      assert.equal(deltas.map((d) => d.function?.arguments ?? '').join(''), '{"search_terms":["james","joyce"]}');
      assert.ok(deltas.slice(1).every((d) => d.id === undefined && d.function?.name === undefined));
      const finish = chunks.find((c) => c.choices[0]?.finish_reason);
      assert.equal(finish!.choices[0]!.finish_reason, 'tool_calls');
      const last = chunks.at(-1)!;
      assert.deepEqual(last.choices, []);
      assert.equal(last.usage?.total_tokens, 21);
      assert.ok(chunks.every((c) => c.id === chunks[0]!.id && c.id.startsWith('gen-') && c.model === MODEL));
    });
  }

  test('final answer streams as content deltas, role on the first', async () => {
    fake.enqueue(stream(streamFrames({ text: ['Ulysses', ', Dubliners', ' — and “Portrait” ✓'] }), { fragment: 'byte' }));
    const s = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: SEED_QUESTION },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_s1', type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["joyce"]}' } }] },
        { role: 'tool', tool_call_id: 'call_s1', content: '[{"title":"Ulysses"}]' },
      ],
      tools,
      stream: true,
    });
    const chunks = await collect(s);
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Ulysses, Dubliners — and “Portrait” ✓');
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason, 'stop');
  });

  test('parallel calls stream with dense indexes', async () => {
    fake.enqueue(
      stream(
        streamFrames({
          toolCalls: [
            { id: 'call_p1', name: 'search_gutenberg_books', args: ['{"search_terms":', '["joyce"]}'] },
            { id: 'call_p2', name: 'search_gutenberg_books', args: ['{"search_terms":["austen"]}'] },
          ],
        }),
        { fragment: { random: 5 } },
      ),
    );
    const s = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'both' }], tools, stream: true });
    const chunks = await collect(s);
    const byIndex = new Map<number, { id?: string; args: string }>();
    for (const c of chunks)
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        const cur = byIndex.get(d.index) ?? { args: '' };
        if (d.id) cur.id = d.id;
        cur.args += d.function?.arguments ?? '';
        byIndex.set(d.index, cur);
      }
    assert.deepEqual([...byIndex.entries()], [
      [0, { id: 'call_p1', args: '{"search_terms":["joyce"]}' }],
      [1, { id: 'call_p2', args: '{"search_terms":["austen"]}' }],
    ]);
  });
});

const PIECES = ['Hello', ' "quoted"', ' back\\slash', '\nnew line', ' tab\t', ' ✓ Ünïcödé', ' 😀', '', ' {"json":[1,2]}', ' </script>', ' \u2028sep'];

/** n text deltas cycling through PIECES, each made distinct. */
const textDeltas = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${PIECES[i % PIECES.length]}${i % 7 === 0 ? '' : `·${tag}${i}`}`);

async function streamedText(reply: ReturnType<typeof stream>): Promise<{ text: string; finish: string | null }> {
  fake.enqueue(reply);
  const s = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'write' }], stream: true });
  let text = '';
  let finish: string | null = null;
  for await (const chunk of s) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  return { text, finish };
}

describe('long streams (templates past the first chunks)', () => {
  test('text answers of 80 deltas, stream after stream, cut at frames, fixed sizes and random sizes', async () => {
    const cuts = ['frame', { every: 37 }, { random: 90 }] as const;
    for (let round = 0; round < 3; round++) {
      const deltas = textDeltas(80, `r${round}`);
      const got = await streamedText(stream(streamFrames({ text: deltas }), { fragment: cuts[round] }));
      assert.equal(got.text, deltas.join(''), `round ${round}`);
      assert.equal(got.finish, 'stop');
    }
  });

  test('two tool calls whose arguments come in 40 fragments each, twice', async () => {
    for (let round = 0; round < 2; round++) {
      const args = [0, 1].map((k) => JSON.stringify({ search_terms: Array.from({ length: 12 }, (_, i) => `term "${k}.${i}" \\ ✓ ${round}`) }));
      const split = (s: string) => Array.from({ length: 40 }, (_, i) => s.slice(Math.floor((i * s.length) / 40), Math.floor(((i + 1) * s.length) / 40)));
      fake.enqueue(stream(streamFrames({ toolCalls: args.map((a, k) => ({ id: `call_${round}_${k}`, name: 'search_gutenberg_books', args: split(a) })) }), { fragment: { random: 64 } }));
      const s = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'search' }], tools, stream: true });
      const calls: { id?: string; name: string; arguments: string }[] = [];
      let finish: string | null = null;
      for await (const chunk of s) {
        for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
          const c = (calls[tc.index] ??= { name: '', arguments: '' });
          if (tc.id) c.id = tc.id;
          c.name += tc.function?.name ?? '';
          c.arguments += tc.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(finish, 'tool_calls');
      assert.deepEqual(
        calls,
        args.map((a, k) => ({ id: `call_${round}_${k}`, name: 'search_gutenberg_books', arguments: a })),
      );
    }
  });

  test('a long text answer after tool-call streams still reads exactly', async () => {
    const deltas = textDeltas(50, 'after');
    assert.equal((await streamedText(stream(streamFrames({ text: deltas })))).text, deltas.join(''));
  });
});
