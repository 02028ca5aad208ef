/** Fake upstream for benchmarks: fixed OpenAI tool-call answers, JSON or SSE. Prints its port. */
import { createServer } from 'node:http';
import { OPENAI_JSON, OPENAI_SSE } from './workload.js';

const json = Buffer.from(OPENAI_JSON);
const sse = Buffer.from(OPENAI_SSE);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    // cheap check instead of a parse: the fake must not be the bottleneck
    const streaming = body.includes('"stream":true');
    if (streaming) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': sse.length });
      res.end(sse);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length });
      res.end(json);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${a.port}\n`);
});
