/**
 * Fake upstream for benchmarks: fixed tool-call answers, JSON or SSE, in OpenAI format on
 * /v1/chat/completions and Anthropic format on /v1/messages. Prints its port.
 *
 *   node --import tsx bench/upstream.ts [port] [--hold-ms N]
 *
 * With --hold-ms N (the slow upstream of the memory check) every stream sends its first two
 * events (the tool call's start) at once, then holds the connection open until POST /release
 * (or N ms) before the rest; GET /held says how many streams it holds.
 */
import { createServer } from 'node:http';
import { ANTHROPIC_JSON, ANTHROPIC_SSE, OPENAI_JSON, OPENAI_SSE } from './workload.js';

const args = process.argv.slice(2);
const holdAt = args.indexOf('--hold-ms');
const holdMs = holdAt === -1 ? 0 : Number(args[holdAt + 1]);
const port = Number(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--hold-ms') ?? 0);
const held = new Set<() => void>();

const answers = {
  openai: { json: Buffer.from(OPENAI_JSON), sse: Buffer.from(OPENAI_SSE) },
  anthropic: { json: Buffer.from(ANTHROPIC_JSON), sse: Buffer.from(ANTHROPIC_SSE) },
};
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/release' || req.url === '/held') {
      const n = held.size;
      if (req.url === '/release') for (const release of [...held]) release();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ held: n }));
      return;
    }
    const body = Buffer.concat(chunks);
    const a = req.url === '/v1/messages' ? answers.anthropic : answers.openai;
    // cheap check instead of a parse: the fake must not be the bottleneck
    const streaming = body.includes('"stream":true');
    if (!streaming) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': a.json.length });
      res.end(a.json);
      return;
    }
    if (holdMs <= 0) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': a.sse.length });
      res.end(a.sse);
      return;
    }
    const cut = a.sse.indexOf('\n\n', a.sse.indexOf('\n\n') + 2) + 2;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(a.sse.subarray(0, cut));
    const release = () => {
      held.delete(release);
      clearTimeout(t);
      if (!res.destroyed) res.end(a.sse.subarray(cut));
    };
    const t = setTimeout(release, holdMs);
    held.add(release);
    res.on('close', () => {
      held.delete(release);
      clearTimeout(t);
    });
  });
});
server.keepAliveTimeout = 60_000;
server.maxConnections = 100_000;
server.listen(port, '127.0.0.1', 4096, () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${a.port}\n`);
});
// a clean exit on SIGTERM (so --cpu-prof profiles are written)
process.once('SIGTERM', () => process.exit(0));
