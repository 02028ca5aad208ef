/**
 * Micro-benchmark of the OpenAI stream parser alone (SSE bytes → canonical events), on streams of
 * different lengths: the bench's 8-chunk tool call (bench/workload.ts), a 200-delta text answer,
 * and a tool call whose arguments come in 100 deltas (escaped JSON); the first two also padded as
 * api.openai.com pads its chunks (`"obfuscation":"…"`, different in every chunk). CPU µs per
 * stream, min and median of interleaved rounds (this kind of machine drifts; the min is the
 * steadier figure).
 * Long streams are where shared/json-chunks.ts's templates pay: all but the first chunks of a
 * stream are instances of one template.
 *
 *   node --import tsx bench/micro/stream-parse.ts [--base DIR] [--rounds 30]
 *
 * --base DIR: also the parser of DIR/src (compiled .js where present, as in bench/micro/sse.ts),
 * interleaved with the working tree's. Figures are only comparable compiled: build both with
 *   npx tsc --ignoreConfig --target ES2022 --module NodeNext --moduleResolution NodeNext --strict \
 *     --skipLibCheck --types node --rootDir src --outDir OUT/src src/providers/openai/stream.ts
 * (OUT holding a package.json with "type": "module" and a node_modules link) and pass --current OUT.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPENAI_SSE } from '../workload.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1]!;
};
const ROUNDS = Number(opt('--rounds', '30'));
const BASE = opt('--base', '');
const CURRENT = opt('--current', '');

type Parser = { push(b: Uint8Array): void; end(): void | Promise<void> };
type Create = (ctx: unknown, emit: (e: unknown) => void) => Parser;

async function load(root: string): Promise<Create> {
  const p = resolve(root, 'providers/openai/stream.js');
  const m = await import(pathToFileURL(existsSync(p) ? p : resolve(root, 'providers/openai/stream.ts')).href);
  return m.createOpenAIStreamParser as Create;
}

const ENV = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1733000000,"model":"gpt-bench","choices":[{"index":0,"delta":';
const frame = (delta: string, finish = 'null') => `data: ${ENV}${delta},"logprobs":null,"finish_reason":${finish}}]}\n\n`;
function textStream(n: number): string {
  let s = frame('{"role":"assistant","content":""}');
  for (let i = 0; i < n; i++) s += frame(`{"content":${JSON.stringify(` word${i},`)}}`);
  return `${s}${frame('{}', '"stop"')}data: [DONE]\n\n`;
}
function argsStream(n: number): string {
  let s = frame('{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search","arguments":""}}]}');
  const args = JSON.stringify({ terms: Array.from({ length: n }, (_, i) => `term "${i}"`) });
  const step = Math.ceil(args.length / n);
  for (let i = 0; i < args.length; i += step) s += frame(`{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(args.slice(i, i + step))}}}]}`);
  return `${s}${frame('{}', '"tool_calls"')}data: [DONE]\n\n`;
}

/** As api.openai.com writes its chunks by default: each one padded with a random `obfuscation` member. */
function padded(sse: string): string {
  let n = 0;
  return sse.replace(/}\n\n/g, () => `,"obfuscation":"${'Zk9lRK2aBv0wmdEAC'.slice(0, 1 + (n++ % 16))}"}\n\n`);
}

const STREAMS: Record<string, { bytes: Buffer; iters: number }> = {
  'tool call, 8 chunks (workload)': { bytes: Buffer.from(OPENAI_SSE), iters: 4000 },
  'tool call, 8 chunks, padded': { bytes: Buffer.from(padded(OPENAI_SSE)), iters: 4000 },
  'text, 200 deltas': { bytes: Buffer.from(textStream(200)), iters: 200 },
  'text, 200 deltas, padded': { bytes: Buffer.from(padded(textStream(200))), iters: 200 },
  'tool call, 100 argument deltas': { bytes: Buffer.from(argsStream(100)), iters: 300 },
};

const impls: [string, Create][] = [];
if (BASE !== '') impls.push(['base', await load(resolve(BASE, 'src'))]);
impls.push(['current', await load(resolve(CURRENT === '' ? '.' : CURRENT, 'src'))]);

const ctx = { provider: { name: 'openai' }, generationId: 'gen-1733000000-abcdefghijklmnopqrst' };
let events = 0;
const emit = () => void events++;
const times = new Map<string, number[]>();
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? impls : [...impls].reverse();
  for (const [name, { bytes, iters }] of Object.entries(STREAMS)) {
    for (const [impl, create] of order) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < iters; i++) {
        const p = create(ctx, emit);
        p.push(bytes);
        void p.end();
      }
      const us = Number(process.hrtime.bigint() - t0) / iters / 1000;
      const k = `${name}\t${impl}`;
      if (r >= 4) (times.get(k) ?? times.set(k, []).get(k)!).push(us); // the first rounds warm up
    }
  }
}
console.log(`OpenAI stream parser, CPU µs per stream (${ROUNDS - 4} rounds, node ${process.version}); ${events} events emitted`);
for (const [k, v] of times) {
  const [name, impl] = k.split('\t');
  v.sort((a, b) => a - b);
  console.log(`${name!.padEnd(34)} ${impl!.padEnd(8)} min ${v[0]!.toFixed(2).padStart(8)}  median ${v[v.length >> 1]!.toFixed(2).padStart(8)}`);
}
