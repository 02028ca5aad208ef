/**
 * In-process micro-benchmark of the Anthropic adapter's hot path against the OpenAI adapter's
 * equivalent, on the bench workload (bench/workload.ts):
 *
 *   build      buildRequest of the validated REQUEST (JSON and streaming; and ten steps into a tool loop),
 *              AdapterContext as the router builds it
 *   parse      parseResponse of the parsed ANTHROPIC_JSON / OPENAI_JSON (and with the JSON.parse)
 *   stream     the stream parser over ANTHROPIC_SSE / OPENAI_SSE, fed whole and split per event
 *
 * CPU time (process.cpuUsage) per call: the variants of a piece run interleaved, R rounds of N
 * calls each after a warm-up, and the median round is reported (the machine is shared: medians of
 * interleaved rounds are what survives other load).
 *
 *   node --import tsx bench/micro/anthropic.ts [--n 20000] [--rounds 5] [--only build,parse,stream]
 *   node --import tsx --cpu-prof --cpu-prof-dir /tmp/prof bench/micro/anthropic.ts --only stream --no-openai
 *
 * Before/after in one run: `--before DIR[,DIR2…]` also loads the adapters from DIR/src (an export of an
 * older revision: `git archive REV src | tar -x -C DIR`, with node_modules linked beside it).
 * tsx wraps every function it creates in a `__name` call, which makes per-request closures look
 * dearer than they are; compiled with tsc (what `npm run bench` runs) the figures are the real ones:
 * `tsc` the bench, src/providers/{anthropic,openai}/index.ts and src/schema/validate.ts into a folder
 * with node_modules linked and a {"type":"module"} package.json, and run the .js.
 */
import { Buffer } from 'node:buffer';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StreamEvent } from '../../src/schema/canonical.js';
import type { AdapterContext, ProviderAdapter } from '../../src/providers/types.js';
import { ANTHROPIC_JSON, ANTHROPIC_SSE, OPENAI_JSON, OPENAI_SSE, REQUEST } from '../workload.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const N = Number(opt('n') ?? 20_000);
const ROUNDS = Number(opt('rounds') ?? 5);
const ONLY = new Set((opt('only') ?? 'build,parse,stream').split(','));
/** --piece SUBSTRING: only the pieces whose name contains it. */
const PIECE = opt('piece');
const BEFORE = opt('before');
const WITH_OPENAI = !args.includes('--no-openai');

/** Run by tsx the sources are .ts; compiled by tsc (as the bench runs the gateway) they are .js beside this file's. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const load = async <T>(src: string, rel: string): Promise<T> => (await import(pathToFileURL(resolve(src, rel + EXT)).href)) as T;
const HERE = new URL('../../src', import.meta.url).pathname;

type Kind = 'anthropic' | 'openai';
interface Variant {
  name: string;
  kind: Kind;
  adapter: ProviderAdapter;
  validate: (body: unknown) => import('../../src/schema/canonical.js').CanonicalRequest;
}

/** As src/server/chat.ts does: the body parsed with its members' texts (schema/raw-json.ts), then validated. */
async function variant(name: string, kind: Kind, src: string): Promise<Variant> {
  const mod = await load<Record<string, ProviderAdapter>>(src, `providers/${kind}/index`);
  const { validateChatRequest } = await load<typeof import('../../src/schema/validate.js')>(src, 'schema/validate');
  const { parseJsonWithRaw } = await load<typeof import('../../src/schema/raw-json.js')>(src, 'schema/raw-json');
  const validate = (body: unknown) => {
    const parsed = parseJsonWithRaw(JSON.stringify(body));
    return validateChatRequest(parsed.value, parsed.raw);
  };
  return { name, kind, adapter: mod[kind]!, validate };
}

const variants: Variant[] = [await variant('anthropic', 'anthropic', HERE)];
// --before A,B: several older trees, named by their folder
for (const dir of BEFORE?.split(',') ?? []) variants.push(await variant(`anthropic@${basename(dir)}`, 'anthropic', resolve(dir, 'src')));
if (WITH_OPENAI) variants.push(await variant('openai', 'openai', HERE));

const pricing = { prompt: '0.000001', completion: '0.000002' };
/** As the router builds it (src/router/execute.ts `send`), with the bench config's providers. */
function ctxFor(v: Variant): AdapterContext {
  const provider =
    v.kind === 'anthropic'
      ? { name: 'claude', type: 'anthropic', base_url: 'http://127.0.0.1:9', api_key: 'sk-ant-bench', headers: {}, timeout_ms: 600_000 }
      : { name: 'bench', type: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-bench', headers: {}, timeout_ms: 600_000 };
  const endpoint = { provider: provider.name, model: v.kind === 'anthropic' ? 'claude-bench' : 'gpt-bench', pricing, supported_parameters: [...v.adapter.supportedParameters] };
  return { provider, endpoint, generationId: 'gen-1733000000-abcdefghijklmnopqrst' };
}

/** The bench request ten steps into an agent loop: each step a tool call and a ~1 KB tool result. */
const BOOKS = JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ id: 4300 + i, title: `Ulysses, vol. ${i}`, authors: ['Joyce, James'], languages: ['en'], download_count: 1000 + i })));
const LOOP = {
  ...REQUEST,
  messages: [
    ...REQUEST.messages,
    ...Array.from({ length: 10 }, (_, i) => [
      { role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'search_gutenberg_books', arguments: '{"search_terms":["james","joyce"],"limit":5}' } }] },
      { role: 'tool', tool_call_id: `call_${i}`, content: BOOKS },
    ]).flat(),
  ],
};

let sink = 0;
const emit = (e: StreamEvent) => void (sink += e.type.length);
const whole = (sse: string) => [Buffer.from(sse)];
const perEvent = (sse: string) => sse.split(/(?<=\n\n)/).map((s) => Buffer.from(s));

/** The pieces: each makes the call to time for one variant. */
const PIECES: { name: string; group: string; make: (v: Variant, ctx: AdapterContext) => () => unknown }[] = [
  { name: 'buildRequest (json)', group: 'build', make: (v, ctx) => { const r = v.validate(REQUEST); return () => v.adapter.buildRequest(r, ctx); } },
  { name: 'buildRequest (stream)', group: 'build', make: (v, ctx) => { const r = v.validate({ ...REQUEST, stream: true }); return () => v.adapter.buildRequest(r, ctx); } },
  { name: 'buildRequest (10-step loop)', group: 'build', make: (v, ctx) => { const r = v.validate(LOOP); return () => v.adapter.buildRequest(r, ctx); } },
  { name: 'parseResponse', group: 'parse', make: (v, ctx) => { const b = JSON.parse(v.kind === 'anthropic' ? ANTHROPIC_JSON : OPENAI_JSON); return () => v.adapter.parseResponse(b, ctx); } },
  { name: 'JSON.parse + parseResponse', group: 'parse', make: (v, ctx) => { const t = v.kind === 'anthropic' ? ANTHROPIC_JSON : OPENAI_JSON; return () => v.adapter.parseResponse(JSON.parse(t), ctx); } },
  ...(['whole', 'per event'] as const).map((how) => ({
    name: `stream, ${how}`,
    group: 'stream',
    make: (v: Variant, ctx: AdapterContext) => {
      const sse = v.kind === 'anthropic' ? ANTHROPIC_SSE : OPENAI_SSE;
      const chunks = how === 'whole' ? whole(sse) : perEvent(sse);
      return () => {
        const p = v.adapter.createStreamParser(ctx, emit);
        for (const c of chunks) p.push(c);
        p.end();
      };
    },
  })),
];

function round(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / N;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const results: { piece: string; us: number[]; min: number[] }[] = [];
for (const piece of PIECES.filter((p) => ONLY.has(p.group) && (PIECE === undefined || p.name.includes(PIECE)))) {
  const fns = variants.map((v) => piece.make(v, ctxFor(v)));
  for (const fn of fns) for (let i = 0; i < N / 4; i++) fn();
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < ROUNDS; r++) fns.forEach((fn, k) => times[k]!.push(round(fn)));
  results.push({ piece: piece.name, us: times.map(median), min: times.map((t) => Math.min(...t)) });
}

console.log(`n=${N} × ${ROUNDS} rounds, µs CPU per call: median round (fastest round)${BEFORE ? `, before = ${BEFORE}` : ''}`);
console.log(['piece'.padEnd(28), ...variants.map((v) => v.name.padStart(20))].join(' '));
for (const r of results) console.log([r.piece.padEnd(28), ...r.us.map((u, k) => `${u.toFixed(2)} (${r.min[k]!.toFixed(2)})`.padStart(20))].join(' '));
if (sink < 0) console.log(sink);
