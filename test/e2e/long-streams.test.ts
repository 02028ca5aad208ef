/**
 * Long OpenAI streams through Switchyard with the official `openai` SDK, over the wire-level fake:
 * past a stream's first chunks the OpenAI parser reads runs of deltas through templates shared by
 * all streams (src/providers/shared/json-chunks.ts). What the client assembles must be exactly
 * what the upstream sent: text with quotes, escapes, newlines and astral characters, two tool
 * calls' arguments in many fragments, streams after streams (the templates learned by one serve
 * the next, whose id differs), and bytes cut anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeOpenAI, stream, streamFrames } from '../fakes/openai.js';
import type { FakeServer } from '../fakes/harness.js';
import { searchGutenbergTool } from '../fixtures/books.js';
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

const MODEL = 'openai/gpt-4o-mini';
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
      const s = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'search' }], tools: [searchGutenbergTool], stream: true });
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
