/**
 * Client loops over any provider kit (see suite.ts): the seed book-search agent loop run by real
 * client SDKs that manage their own tool loop — `ai` + `@openrouter/ai-sdk-provider`
 * (generateText / streamText with stopWhen), `@openrouter/sdk` (chat.send) and `@langchain/openai`
 * (bindTools) — against the kit's fake, which answers with a tool call until it sees the tool
 * result. Opt in with `runClientLoops(kit)`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { OpenRouter } from '@openrouter/sdk';
import { generateText, stepCountIs, streamText, tool as aiTool } from 'ai';
import { z } from 'zod';
import { SEARCH_GUTENBERG_BOOKS, SEED_MESSAGES, searchGutenbergBooks } from '../../examples/gutenberg.js';
import type { RecordedRequest } from '../fakes/harness.js';
import { MODEL, startRig, type ProviderKit, type Rig } from './suite.js';

const CALL_ID = 'Jb9sRc4Tq';
const FINAL = 'Ulysses, Dubliners and A Portrait of the Artist as a Young Man.';
const search = (terms: string[]) => JSON.stringify(searchGutenbergBooks(terms).map(({ id, title }) => ({ id, title })));

/** The model's side: a tool call first, the answer once a tool result is in the history. */
const model = (kit: ProviderKit) => (req: RecordedRequest) => {
  const stream = kit.inspect.stream(req);
  if (kit.inspect.toolResults(req).length > 0) return kit.reply({ text: FINAL }, { stream, fragment: stream ? { random: 11 } : undefined });
  const args = '{"search_terms":["James Joyce"]}';
  return kit.reply({ toolCalls: [{ id: CALL_ID, name: 'search_gutenberg_books', arguments: args, fragments: ['{"search_terms":', '["James ', 'Joyce"]}'] }] }, { stream });
};

export function runClientLoops(kit: ProviderKit): void {
  const withRig = (fn: (r: Rig) => Promise<void>) => async () => {
    const r = await startRig(kit);
    r.fake.enqueue(model(kit), model(kit), model(kit), model(kit));
    try {
      await fn(r);
    } finally {
      await r.close();
    }
  };
  /** Two upstream turns; the second carries the tool result with the books. */
  const assertUpstream = (r: Rig, streamed: boolean) => {
    assert.equal(r.fake.requests.length, 2, 'two model calls');
    for (const req of r.fake.requests) {
      assert.equal(kit.inspect.stream(req), streamed);
      assert.deepEqual(kit.inspect.toolNames(req), ['search_gutenberg_books']);
    }
    const results = kit.inspect.toolResults(r.req(1));
    assert.equal(results.length, 1);
    assert.match(results[0]!.content, /Ulysses/);
    assert.deepEqual(kit.inspect.historyToolCalls(r.req(1)).map((c) => c.args), [{ search_terms: ['James Joyce'] }]);
  };

  describe(`client loops: ${kit.name}`, () => {
    const aiTools = {
      search_gutenberg_books: aiTool({
        description: SEARCH_GUTENBERG_BOOKS.description,
        inputSchema: z.object({ search_terms: z.array(z.string()) }),
        execute: async ({ search_terms }) => JSON.parse(search(search_terms)),
      }),
    };
    const aiModel = (r: Rig) => createOpenRouter({ apiKey: 'any', baseURL: r.gw.baseURL, compatibility: 'strict' })(MODEL);

    test('ai: generateText with tools and stopWhen', withRig(async (r) => {
      const res = await generateText({ model: aiModel(r), system: SEED_MESSAGES[0].content, prompt: SEED_MESSAGES[1].content, tools: aiTools, stopWhen: stepCountIs(5) });
      assert.equal(res.text, FINAL);
      assert.equal(res.steps[0]!.finishReason, 'tool-calls');
      assert.deepEqual(res.steps[0]!.toolCalls[0]!.input, { search_terms: ['James Joyce'] });
      assertUpstream(r, false);
    }));

    test('ai: streamText with tools and stopWhen', withRig(async (r) => {
      const res = streamText({ model: aiModel(r), system: SEED_MESSAGES[0].content, prompt: SEED_MESSAGES[1].content, tools: aiTools, stopWhen: stepCountIs(5) });
      const parts: string[] = [];
      for await (const p of res.fullStream) {
        assert.notEqual(p.type, 'error', JSON.stringify(p));
        parts.push(p.type);
      }
      assert.equal(await res.text, FINAL);
      assert.ok(parts.includes('tool-call') && parts.includes('tool-result') && parts.includes('text-delta'));
      assertUpstream(r, true);
    }));

    test('@openrouter/sdk: chat.send streaming loop', withRig(async (r) => {
      const or = new OpenRouter({ apiKey: 'any', serverURL: r.gw.baseURL, retryConfig: { strategy: 'none' } });
      const { messages } = await openRouterStreamingLoop(or, MODEL);
      assert.equal(messages.at(-1).content, FINAL);
      assertUpstream(r, true);
    }));

    test('@langchain/openai: bindTools loop', withRig(async (r) => {
      const llm = new ChatOpenAI({ model: MODEL, apiKey: 'any', maxRetries: 0, configuration: { baseURL: r.gw.baseURL } }).bindTools([{ type: 'function', function: SEARCH_GUTENBERG_BOOKS }]);
      const messages: BaseMessage[] = [new SystemMessage(SEED_MESSAGES[0].content), new HumanMessage(SEED_MESSAGES[1].content)];
      for (let step = 0; step < 4; step++) {
        const ai = (await llm.invoke(messages)) as AIMessage;
        messages.push(ai);
        if (!ai.tool_calls?.length) break;
        for (const c of ai.tool_calls) messages.push(new ToolMessage({ tool_call_id: c.id!, content: search((c.args as { search_terms: string[] }).search_terms) }));
      }
      assert.equal(messages.at(-1)!.content, FINAL);
      assertUpstream(r, false);
    }));
  });
}

/**
 * The seed agent loop through `@openrouter/sdk`'s streaming `chat.send` (at most 4 steps):
 * the conversation it ended with, and whether every step's stream carried a usage chunk.
 */
export async function openRouterStreamingLoop(or: OpenRouter, model: string): Promise<{ messages: any[]; everyStepHadUsage: boolean }> {
  const tools = [{ type: 'function' as const, function: SEARCH_GUTENBERG_BOOKS }];
  const messages: any[] = [...SEED_MESSAGES];
  let everyStepHadUsage = true;
  for (let step = 0; step < 4; step++) {
    const stream: any = await or.chat.send({ chatRequest: { model, messages, tools, stream: true } });
    let content = '';
    let finish: string | undefined;
    let sawUsage = false;
    const calls: { id: string; name: string; args: string }[] = [];
    for await (const chunk of stream) {
      if (chunk.usage) sawUsage = true;
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      content += choice.delta.content ?? '';
      for (const tc of choice.delta.toolCalls ?? []) {
        if (tc.id) calls[tc.index] = { id: tc.id, name: tc.function?.name ?? '', args: '' };
        calls[tc.index]!.args += tc.function?.arguments ?? '';
      }
      finish = choice.finishReason ?? finish;
    }
    everyStepHadUsage &&= sawUsage;
    messages.push({ role: 'assistant', content, toolCalls: calls.length ? calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) : undefined });
    if (finish !== 'tool_calls') break;
    for (const c of calls) messages.push({ role: 'tool', toolCallId: c.id, content: search(JSON.parse(c.args).search_terms) });
  }
  return { messages, everyStepHadUsage };
}
