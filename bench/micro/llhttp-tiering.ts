/**
 * undici parses every upstream response with llhttp compiled to WebAssembly. Under load V8 tiers
 * its big state-machine function up to TurboFan, and that one compilation holds ~30 MiB of malloc
 * memory for a moment (a spike in RSS a second or two into the first load, then released: seen in
 * the bare proxy and in the gateway alike). `--liftoff-only` (or `v8.setFlagsFromString` before the
 * first upstream connection) skips the tier-up: no spike, slower parsing. This prints what the
 * parsing costs either way, on undici's own wasm with no-op callbacks:
 *
 *   node --import tsx bench/micro/llhttp-tiering.ts
 *   node --liftoff-only --import tsx bench/micro/llhttp-tiering.ts
 *
 * Figures: CPU µs per llhttp_execute (process.cpuUsage), median of 5 rounds after a warm-up, for a
 * whole JSON response (head + body, one read) and for one chunk of a chunked SSE stream.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { TYPE } = require('undici/lib/llhttp/constants.js') as { TYPE: { RESPONSE: number } };
const bytes = require('undici/lib/llhttp/llhttp_simd-wasm.js') as Buffer;

interface Llhttp {
  memory: WebAssembly.Memory;
  llhttp_alloc(type: number): number;
  malloc(n: number): number;
  llhttp_execute(parser: number, ptr: number, len: number): number;
}
const noop = () => 0;
const env = Object.fromEntries(
  ['url', 'status', 'message_begin', 'header_field', 'header_value', 'headers_complete', 'body', 'message_complete'].map((n) => [`wasm_on_${n}`, noop]),
);
const ll = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { env }).exports as unknown as Llhttp;

function place(b: Buffer): [number, number] {
  const p = ll.malloc(b.length);
  new Uint8Array(ll.memory.buffer, p, b.length).set(b);
  return [p, b.length];
}

const body = '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"search_gutenberg_books","arguments":"{\\"search_terms\\":[\\"joyce\\"]}"}}]},"finish_reason":"tool_calls"}]}';
const json = place(Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ndate: Tue, 01 Dec 2026 12:00:00 GMT\r\nconnection: keep-alive\r\n\r\n${body}`));
const frame = 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"word"}}]}\n\n';
const sseHead = place(Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n'));
const sseChunk = place(Buffer.from(`${Buffer.byteLength(frame).toString(16)}\r\n${frame}\r\n`));
const sseEnd = place(Buffer.from('0\r\n\r\n'));

const parser = ll.llhttp_alloc(TYPE.RESPONSE);
const exec = ([p, n]: [number, number]) => {
  const r = ll.llhttp_execute(parser, p, n);
  if (r !== 0) throw new Error(`llhttp error ${r}`);
};
const CHUNKS = 50;
const cases: Record<string, { perCall: number; run: () => void }> = {
  'JSON response (one read)': { perCall: 1, run: () => exec(json) },
  [`SSE chunk (${sseChunk[1]} B, ${CHUNKS} per stream)`]: {
    perCall: CHUNKS + 2,
    run: () => {
      exec(sseHead);
      for (let i = 0; i < CHUNKS; i++) exec(sseChunk);
      exec(sseEnd);
    },
  },
};

const label = process.execArgv.filter((a) => a !== '--import' && a !== 'tsx').join(' ') || 'default (TurboFan tier-up)';
for (const [name, c] of Object.entries(cases)) {
  const n = Math.ceil(200_000 / c.perCall);
  for (let i = 0; i < n; i++) c.run();
  const rounds: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) c.run();
    const t = process.cpuUsage(t0);
    rounds.push((t.user + t.system) / (n * c.perCall));
  }
  rounds.sort((a, b) => a - b);
  console.log(`${label}: ${name}: ${rounds[2]!.toFixed(3)} µs per execute (${rounds.map((r) => r.toFixed(3)).join(' ')})`);
}
