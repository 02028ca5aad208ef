/**
 * Real clients, unchanged, pointed at Switchyard's base URL, each through a full tool loop
 * (request with tools → tool call → run it → tool result → final answer), streaming and not,
 * over a strict wire-level fake of the Anthropic Messages API, so every turn is translated:
 * `openai` (its own runTools helper), `@openrouter/sdk`, `ai` + `@openrouter/ai-sdk-provider`
 * (generateText / streamText with tools and stopWhen), `@langchain/openai` (bindTools).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool as lcTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { OpenRouter } from '@openrouter/sdk';
import { generateText, stepCountIs, streamText, tool as aiTool } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { ANTHROPIC_MODEL, answer, anthropicConfig, startFakeAnthropic, type FakeBlock } from '../fakes/anthropic.js';
import type { FakeServer, RecordedRequest } from '../fakes/harness.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { SEARCH_GUTENBERG_BOOKS, SEED_MESSAGES, searchGutenbergBooks } from '../../examples/gutenberg.js';
import { openRouterStreamingLoop } from '../conformance/clients.js';

const TOOL_ID = 'toolu_01ClientLoopA1b2C3';
const FINAL = 'Ulysses, Dubliners and A Portrait of the Artist as a Young Man.';
const toolCall: FakeBlock[] = [
  { type: 'text', text: 'Let me search.' },
  { type: 'tool_use', id: TOOL_ID, name: 'search_gutenberg_books', input: { search_terms: ['James Joyce'] } },
];

/** Claude's side of the loop: a tool call first, the answer once the tool result is back. */
function claude(req: RecordedRequest) {
  const last = req.body.messages.at(-1);
  const hasResult = Array.isArray(last?.content) && last.content.some((b: { type: string }) => b.type === 'tool_result');
  return answer(hasResult ? [{ type: 'text', text: FINAL }] : toolCall, { chunk: 5 })(req);
}

let fake: FakeServer;
let gw: TestGateway;

before(async () => {
  fake = await startFakeAnthropic({ fallback: claude });
  gw = await startGateway(anthropicConfig(fake.url), {});
});
after(async () => {
  await gw.close();
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const search = (terms: string[]) => JSON.stringify(searchGutenbergBooks(terms).map(({ id, title }) => ({ id, title })));

/** What every client's loop must have sent upstream: two turns, the second with the tool result. */
function assertLoopUpstream(streamed: boolean) {
  assert.equal(fake.requests.length, 2, 'two model calls');
  for (const r of fake.requests) {
    assert.equal(r.body.tools[0].name, 'search_gutenberg_books', 'tools on every turn');
    assert.equal(Boolean(r.body.stream), streamed);
  }
  const second = fake.requests[1]!.body.messages;
  const assistant = second.at(-2);
  assert.equal(assistant.role, 'assistant');
  assert.ok(assistant.content.some((b: any) => b.type === 'tool_use' && b.id === TOOL_ID && b.input.search_terms[0] === 'James Joyce'));
  const result = second.at(-1).content.find((b: any) => b.type === 'tool_result');
  assert.equal(result.tool_use_id, TOOL_ID);
  const content = typeof result.content === 'string' ? result.content : result.content.map((p: any) => p.text).join('');
  assert.match(content, /Ulysses/);
}

describe('openai SDK', () => {
  const client = () => new OpenAI({ baseURL: gw.baseURL, apiKey: 'any', maxRetries: 0 });
  const tools = [
    {
      type: 'function' as const,
      function: { name: SEARCH_GUTENBERG_BOOKS.name, description: SEARCH_GUTENBERG_BOOKS.description, parameters: SEARCH_GUTENBERG_BOOKS.parameters, function: (a: { search_terms: string[] }) => search(a.search_terms), parse: JSON.parse },
    },
  ];

  test('chat.completions.runTools, non-streaming', async () => {
    const runner = client().chat.completions.runTools({ model: ANTHROPIC_MODEL, messages: [...SEED_MESSAGES], tools });
    assert.equal(await runner.finalContent(), FINAL);
    assertLoopUpstream(false);
  });

  test('chat.completions.runTools, streaming', async () => {
    const runner = client().chat.completions.runTools({ model: ANTHROPIC_MODEL, messages: [...SEED_MESSAGES], tools, stream: true });
    let deltas = '';
    runner.on('content', (d) => (deltas += d));
    assert.equal(await runner.finalContent(), FINAL);
    assert.ok(deltas.endsWith(FINAL));
    assertLoopUpstream(true);
  });
});

describe('@openrouter/sdk', () => {
  const sdk = () => new OpenRouter({ apiKey: 'any', serverURL: gw.baseURL, retryConfig: { strategy: 'none' } });
  const tools = [{ type: 'function' as const, function: { name: SEARCH_GUTENBERG_BOOKS.name, description: SEARCH_GUTENBERG_BOOKS.description, parameters: SEARCH_GUTENBERG_BOOKS.parameters } }];

  test('chat.send, non-streaming loop', async () => {
    const or = sdk();
    const messages: any[] = [...SEED_MESSAGES];
    for (let step = 0; step < 4; step++) {
      const res: any = await or.chat.send({ chatRequest: { model: ANTHROPIC_MODEL, messages, tools } });
      const msg = res.choices[0].message;
      messages.push({ role: 'assistant', content: msg.content ?? '', toolCalls: msg.toolCalls });
      if (res.choices[0].finishReason !== 'tool_calls') break;
      for (const c of msg.toolCalls) messages.push({ role: 'tool', toolCallId: c.id, content: search(JSON.parse(c.function.arguments).search_terms) });
    }
    assert.equal(messages.at(-1).content, FINAL);
    assertLoopUpstream(false);
  });

  test('chat.send, streaming loop', async () => {
    const { messages, everyStepHadUsage } = await openRouterStreamingLoop(sdk(), ANTHROPIC_MODEL);
    assert.ok(everyStepHadUsage, 'a usage chunk');
    assert.equal(messages.at(-1).content, FINAL);
    assertLoopUpstream(true);
  });
});

describe('ai + @openrouter/ai-sdk-provider', () => {
  const model = () => createOpenRouter({ apiKey: 'any', baseURL: gw.baseURL, compatibility: 'strict' })(ANTHROPIC_MODEL);
  const tools = {
    search_gutenberg_books: aiTool({
      description: SEARCH_GUTENBERG_BOOKS.description,
      inputSchema: z.object({ search_terms: z.array(z.string()) }),
      execute: async ({ search_terms }) => JSON.parse(search(search_terms)),
    }),
  };

  test('generateText with tools and stopWhen', async () => {
    const r = await generateText({ model: model(), system: SEED_MESSAGES[0].content, prompt: SEED_MESSAGES[1].content, tools, stopWhen: stepCountIs(5) });
    assert.equal(r.text, FINAL);
    assert.equal(r.steps.length, 2);
    assert.equal(r.steps[0]!.finishReason, 'tool-calls');
    assert.deepEqual(r.steps[0]!.toolCalls[0]!.input, { search_terms: ['James Joyce'] });
    assert.equal(r.finishReason, 'stop');
    assert.equal(typeof (r.providerMetadata?.openrouter as any)?.usage?.cost, 'number');
    assertLoopUpstream(false);
  });

  test('streamText with tools and stopWhen', async () => {
    const r = streamText({ model: model(), system: SEED_MESSAGES[0].content, prompt: SEED_MESSAGES[1].content, tools, stopWhen: stepCountIs(5) });
    const parts: string[] = [];
    for await (const p of r.fullStream) {
      assert.notEqual(p.type, 'error', JSON.stringify(p));
      parts.push(p.type);
    }
    assert.equal(await r.text, FINAL);
    assert.ok(parts.includes('tool-call') && parts.includes('tool-result') && parts.includes('text-delta'));
    assert.equal((await r.steps).length, 2);
    assertLoopUpstream(true);
  });
});

describe('@langchain/openai', () => {
  const llm = () => new ChatOpenAI({ model: ANTHROPIC_MODEL, apiKey: 'any', maxRetries: 0, configuration: { baseURL: gw.baseURL } });
  const searchTool = lcTool(async ({ search_terms }: { search_terms: string[] }) => search(search_terms), {
    name: SEARCH_GUTENBERG_BOOKS.name,
    description: SEARCH_GUTENBERG_BOOKS.description,
    schema: z.object({ search_terms: z.array(z.string()) }),
  });

  for (const streaming of [false, true]) {
    test(`bindTools loop, ${streaming ? 'streaming' : 'non-streaming'}`, async () => {
      const bound = llm().bindTools([searchTool]);
      const messages: BaseMessage[] = [new SystemMessage(SEED_MESSAGES[0].content), new HumanMessage(SEED_MESSAGES[1].content)];
      let ai: AIMessage | undefined;
      for (let step = 0; step < 4; step++) {
        if (streaming) {
          // the LangChain way to stream: concatenate the chunks (tool_call_chunks → tool_calls)
          let acc: AIMessageChunk | undefined;
          for await (const c of await bound.stream(messages)) acc = acc === undefined ? c : acc.concat(c);
          ai = new AIMessage({ content: acc!.content, tool_calls: acc!.tool_calls ?? [] });
        } else {
          ai = (await bound.invoke(messages)) as AIMessage;
        }
        messages.push(ai);
        if (!ai.tool_calls?.length) break;
        for (const c of ai.tool_calls) {
          assert.equal(c.id, TOOL_ID);
          messages.push(new ToolMessage({ tool_call_id: c.id!, content: (await searchTool.invoke(c.args as { search_terms: string[] })) as string }));
        }
      }
      assert.equal(ai!.content, FINAL);
      assertLoopUpstream(streaming);
    });
  }
});
