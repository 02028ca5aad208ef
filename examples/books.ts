/**
 * The seed's book-search example, written with switchyard/sdk's runTools: the model asks for
 * search_gutenberg_books, the loop runs it (over a small bundled book list: the network is
 * closed), sends the result back and prints the answer, each step as it happens.
 *
 *   npm start                  # in one terminal (no key needed: serves switchyard/replay-demo)
 *   npm run example:books      # in another
 *
 * SWITCHYARD_BASE_URL (default http://127.0.0.1:8080/api/v1) and SWITCHYARD_MODEL (default
 * switchyard/replay-demo) point it elsewhere, e.g. SWITCHYARD_MODEL=openai/gpt-4o-mini with
 * OPENAI_API_KEY set when the gateway started. In your own project:
 * `import { Switchyard } from 'switchyard/sdk'`.
 */
import { Switchyard, type RunToolsEvent, type Tool } from '../src/sdk/index.js';
import { SEARCH_GUTENBERG_BOOKS, SEED_MESSAGES, searchGutenbergBooks } from './gutenberg.js';

const model = process.env.SWITCHYARD_MODEL ?? 'switchyard/replay-demo';
const sy = new Switchyard();

const searchTool: Tool<{ search_terms: string[] }> = {
  ...SEARCH_GUTENBERG_BOOKS,
  run: ({ search_terms }) => searchGutenbergBooks(search_terms).map(({ id, title, authors }) => ({ id, title, authors })),
};

const out = process.stdout;
let inText = false;
function show(e: RunToolsEvent): void {
  switch (e.type) {
    case 'step_start':
      out.write(`\n── step ${e.step + 1} ──\n`);
      return;
    case 'reasoning':
      out.write(`\x1b[2m${e.text}\x1b[0m`);
      return;
    case 'text':
      inText = true;
      out.write(e.text);
      return;
    case 'tool_call':
      if (inText) out.write('\n');
      inText = false;
      out.write(`→ ${e.call.function.name}(${e.call.function.arguments})\n`);
      return;
    case 'tool_result': {
      const n = Array.isArray(e.call.result) ? `${e.call.result.length} result(s)` : e.call.error ?? 'done';
      out.write(`← ${e.call.name}: ${n} ${e.call.content.length > 160 ? `${e.call.content.slice(0, 160)}…` : e.call.content}\n`);
      return;
    }
    case 'step_finish':
      if (inText) out.write('\n');
      inText = false;
      out.write(`   [finish: ${e.record.finishReason}, ${e.record.usage?.total_tokens ?? '?'} tokens, provider ${e.record.provider}]\n`);
      return;
  }
}

try {
  const run = await sy.runTools({ model, messages: SEED_MESSAGES, tools: [searchTool], maxSteps: 5, stream: true, onEvent: show });
  const u = run.usage;
  out.write(`\nDone in ${run.steps.length} steps (${run.stoppedBy}): ${u.prompt_tokens} prompt + ${u.completion_tokens} completion tokens, $${u.cost.toFixed(6)}\n`);
} catch (e) {
  const err = e as Error & { cause?: { code?: string } };
  if (err.cause?.code === 'ECONNREFUSED') {
    process.stderr.write(`Cannot reach Switchyard at ${sy.baseURL}. Start it first: npm start\n`);
  } else {
    process.stderr.write(`${err.name}: ${err.message}\n`);
  }
  process.exitCode = 1;
}
