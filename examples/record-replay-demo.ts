/**
 * Maintainer script: re-records the bundled cassettes of `switchyard/replay-demo`
 * (assets/cassettes/replay-demo/) through the real Anthropic adapter against the wire-level
 * Anthropic fake, driving the conversation with runTools exactly as examples/books.ts and the
 * README's curl do (streaming and not). Run it when the Anthropic adapter's requests change:
 *
 *   node --import tsx examples/record-replay-demo.ts [DIR]
 */
import { rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { builtinConfig, REPLAY_DEMO_DIR, REPLAY_DEMO_MODEL } from '../src/config/defaults.js';
import { Switchyard, type Tool } from '../src/sdk/index.js';
import { message, startFakeAnthropic, stream, streamFrames, type FakeBlock } from '../test/fakes/anthropic.js';
import type { RecordedRequest } from '../test/fakes/harness.js';
import { startGateway } from '../test/helpers/gateway.js';
import { SEARCH_GUTENBERG_BOOKS, SEED_MESSAGES, searchGutenbergBooks } from './gutenberg.js';

export const DEMO_TOOL_ID = 'toolu_01D7FLrfh4GYq7yT1ULFeyMV';

const FIRST: FakeBlock[] = [
  { type: 'text', text: "I'll search the Project Gutenberg library for books by James Joyce." },
  { type: 'tool_use', id: DEMO_TOOL_ID, name: 'search_gutenberg_books', input: { search_terms: ['James Joyce'] }, fragments: ['{"search_', 'terms":', '["James Jo', 'yce"]}'] },
];
const FINAL: FakeBlock[] = [
  {
    type: 'text',
    text:
      'Here are some James Joyce books available in the Project Gutenberg library:\n\n' +
      '1. **Ulysses** (ID 4300)\n2. **Dubliners** (ID 2814)\n3. **A Portrait of the Artist as a Young Man** (ID 4217)\n\n' +
      '*Ulysses* is his best-known novel, *Dubliners* is a collection of short stories, and *A Portrait of the Artist as a Young Man* is his semi-autobiographical first novel.',
  },
];

/** Answers the seed's two turns like Claude would: a tool call first, then the final answer. */
function claude(req: RecordedRequest) {
  const turn = req.body.messages.length === 1 ? 1 : 2;
  const id = `msg_01Demo${turn}${req.body.stream ? 'S' : 'J'}Qz8vBooks`;
  const usage = turn === 1 ? { input_tokens: 623, output_tokens: 81 } : { input_tokens: 812, output_tokens: 118 };
  const blocks = turn === 1 ? FIRST : FINAL;
  const opts = { id, usage, model: 'claude-sonnet-4-5-20250929', chunk: 12 };
  // a pause between events, so each arrives in its own read, as from the real API
  return req.body.stream ? stream(streamFrames(blocks, opts), { delayMs: 5 }) : message(blocks, opts);
}

export async function recordDemo(dir: string): Promise<string[]> {
  const fake = await startFakeAnthropic({ fallback: claude });
  const doc = builtinConfig({}) as { providers: Record<string, Record<string, unknown>> };
  // the demo's own provider and model, but live against the fake, recording into `dir`
  doc.providers.replay = { type: 'anthropic', base_url: fake.url, api_key: 'sk-ant-recording', record_dir: dir };
  const gw = await startGateway(doc, {});
  try {
    const sy = new Switchyard({ baseURL: gw.baseURL });
    const tool: Tool<{ search_terms: string[] }> = {
      ...SEARCH_GUTENBERG_BOOKS,
      run: ({ search_terms }) => searchGutenbergBooks(search_terms).map(({ id, title, authors }) => ({ id, title, authors })),
    };
    for (const stream of [false, true]) {
      const run = await sy.runTools({ model: REPLAY_DEMO_MODEL, messages: SEED_MESSAGES, tools: [tool], stream });
      if (run.steps.length !== 2 || run.stoppedBy !== 'stop') throw new Error(`unexpected run: ${JSON.stringify(run.steps)}`);
    }
  } finally {
    await gw.close();
    await fake.stop();
  }
  return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? REPLAY_DEMO_DIR;
  for (const f of await readdir(dir).catch(() => [])) if (f.endsWith('.json')) rmSync(`${dir}/${f}`);
  const files = await recordDemo(dir);
  process.stdout.write(`recorded ${files.length} cassettes in ${dir}:\n${files.map((f) => `  ${f}\n`).join('')}`);
}
