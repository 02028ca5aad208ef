/**
 * The interleaved-thinking tool loop with `ai` + `@openrouter/ai-sdk-provider`, which keeps
 * reasoning_details in provider metadata and sends them back on its own (merging streamed text
 * fragments, dropping unsigned Anthropic text). The strict fake checks each signature, so the
 * loop only completes if what Switchyard emits survives that client's round trip.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { answer, ANTHROPIC_MODEL, signThinking, type FakeBlock } from '../fakes/anthropic.js';
import type { RecordedRequest } from '../fakes/harness.js';
import { searchGutenbergBooks } from '../fixtures/books.js';
import { startKit, type Kit } from './anthropic-kit.js';

let kit: Kit;
before(async () => {
  kit = await startKit();
});
after(() => kit.close());

const STEPS: FakeBlock[][] = [
  [
    { type: 'thinking', thinking: 'Find Joyce first.' },
    { type: 'tool_use', id: 'toolu_01AiStep1', name: 'search_gutenberg_books', input: { search_terms: ['joyce'] } },
  ],
  [
    { type: 'thinking', thinking: 'Now the details of Ulysses.' },
    { type: 'tool_use', id: 'toolu_01AiStep2', name: 'get_book_details', input: { id: 4300 } },
  ],
  [
    { type: 'thinking', thinking: 'Enough to answer.' },
    { type: 'text', text: 'Ulysses is the most downloaded.' },
  ],
];

/** Each step answers the next part of the loop after checking the earlier thinking came back first. */
function script(): RecordedRequest[] {
  const seen: RecordedRequest[] = [];
  STEPS.forEach((blocks, n) =>
    kit.fake.enqueue((req) => {
      seen.push(req);
      assert.equal(req.body.thinking?.type, 'enabled');
      const assistants = req.body.messages.filter((m: { role: string }) => m.role === 'assistant');
      assert.equal(assistants.length, n);
      assistants.forEach((m: { content: any[] }, i: number) => {
        const t = (STEPS[i]![0] as { thinking: string }).thinking;
        assert.deepEqual(m.content[0], { type: 'thinking', thinking: t, signature: signThinking(t) });
      });
      return answer(blocks, { chunk: 6 })(req);
    }),
  );
  return seen;
}

const tools = {
  search_gutenberg_books: tool({
    description: 'Search Project Gutenberg',
    inputSchema: z.object({ search_terms: z.array(z.string()) }),
    execute: async ({ search_terms }) => searchGutenbergBooks(search_terms),
  }),
  get_book_details: tool({
    description: 'Details of a book by id',
    inputSchema: z.object({ id: z.number().int() }),
    execute: async ({ id }) => ({ id, download_count: 120000 }),
  }),
};

const model = () => createOpenRouter({ apiKey: 'any', baseURL: kit.gw.baseURL, compatibility: 'strict' })(ANTHROPIC_MODEL, { reasoning: { effort: 'high' } });

test('generateText: three steps, thinking signed and replayed by the client', async () => {
  const seen = script();
  const r = await generateText({ model: model(), prompt: 'Which Joyce book is the most downloaded?', tools, stopWhen: stepCountIs(5) });
  assert.equal(r.text, 'Ulysses is the most downloaded.');
  assert.equal(r.steps.length, 3);
  assert.equal(r.steps[0]!.reasoningText, 'Find Joyce first.');
  assert.equal(seen.length, 3);
});

test('streamText: the same loop from streamed reasoning_details', async () => {
  const seen = script();
  const r = streamText({ model: model(), prompt: 'Which Joyce book is the most downloaded?', tools, stopWhen: stepCountIs(5) });
  for await (const p of r.fullStream) assert.notEqual(p.type, 'error', JSON.stringify(p));
  assert.equal(await r.text, 'Ulysses is the most downloaded.');
  assert.equal((await r.steps).length, 3);
  assert.equal(seen.length, 3);
});
