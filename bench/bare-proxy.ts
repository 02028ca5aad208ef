/**
 * The baseline: the least a proxy can do. Parse the body, swap the model, stringify, send through
 * an undici Pool, pipe the answer back. No validation, no translation, no SSE re-framing.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = process.argv[2]!;
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 60_000 });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      body.model = 'gpt-bench';
      const up = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: JSON.stringify(body) });
      res.writeHead(up.statusCode, { 'content-type': String(up.headers['content-type'] ?? 'application/json') });
      for await (const c of up.body) res.write(c);
      res.end();
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${a.port}\n`);
});
// a clean exit on SIGTERM (so --cpu-prof profiles are written)
process.once('SIGTERM', () => process.exit(0));
