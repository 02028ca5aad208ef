/**
 * Micro-benchmark of writing a non-streamed answer's JSON text: `JSON.stringify` of the rendered
 * response against `responseJson` (src/server/render.ts), on the bench's tool-call answer
 * (bench/workload.ts), with the same usage in every answer (as in the bench) and with a cost that
 * differs per answer (V8 caches number-to-string results, and real traffic seldom repeats a cost).
 * CPU ns per answer, min and median of interleaved rounds.
 *
 *   node --import tsx bench/micro/response-json.ts [--rounds 15]
 */
import { renderResponse, responseJson, type ResponseMeta } from '../../src/server/render.js';
import { TOOL_ARGS } from '../workload.js';

const args = process.argv.slice(2);
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 15;
const N = 2000;
const REPEAT = 50;

const meta: ResponseMeta = { id: 'gen-1796295547-8BPWg2NQNDJUsrkAjKIP', created: 1796295547, model: 'bench/model', provider: 'bench', pricing: { prompt: '0.000001', completion: '0.000002' }, excludeReasoning: false };
const answer = (completionTokens: number) =>
  renderResponse(
    {
      content: null,
      toolCalls: [{ id: 'call_bench_1', type: 'function', function: { name: 'search_gutenberg_books', arguments: TOOL_ARGS } }],
      finishReason: 'tool_calls',
      nativeFinishReason: 'tool_calls',
      usage: { promptTokens: 412, completionTokens, cachedTokens: 0, reasoningTokens: 0 },
    },
    meta,
  );

const sets = { 'same usage': Array.from({ length: N }, () => answer(23)), 'cost varies': Array.from({ length: N }, (_, i) => answer(23 + i)) };
const ways: Record<string, (r: ReturnType<typeof answer>) => string> = { 'JSON.stringify': (r) => JSON.stringify(r), responseJson };

for (const rs of Object.values(sets)) if (responseJson(rs[7]!) !== JSON.stringify(rs[7]!)) throw new Error('responseJson differs from JSON.stringify');

const times = new Map<string, number[]>();
let sink = 0;
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const [set, rs] of Object.entries(sets)) {
    const order = round % 2 === 0 ? Object.entries(ways) : Object.entries(ways).reverse();
    for (const [way, f] of order) {
      const t0 = process.cpuUsage();
      for (let k = 0; k < REPEAT; k++) for (const r of rs) sink += f(r).length;
      const t = process.cpuUsage(t0);
      if (round === 0) continue; // warm-up
      const key = `${set.padEnd(12)} ${way.padEnd(15)}`;
      (times.get(key) ?? times.set(key, []).get(key)!).push(((t.user + t.system) * 1000) / (N * REPEAT));
    }
  }
}
process.stdout.write(`one tool-call answer's JSON text, CPU ns (${ROUNDS} rounds, node ${process.version}; ${sink} characters written)\n`);
for (const [key, xs] of times) {
  xs.sort((a, b) => a - b);
  process.stdout.write(`${key} min ${xs[0]!.toFixed(0).padStart(5)}  median ${xs[xs.length >> 1]!.toFixed(0).padStart(5)}\n`);
}
