/**
 * `switchyard serve [--config FILE] [--port N] [--host H] [--workers N] [--record DIR]`.
 * With --workers N > 1 a node:cluster primary forks N gateway processes sharing one listening
 * socket; it prints the one `listening on` line once every worker listens.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../config/load.js';
import { buildExtensions } from '../features.js';
import { createGateway } from '../server/app.js';
import { recordAllProviders } from '../providers/replay/record.js';
import { applyRuntimeFlags, withServeFlags } from './node-flags.js';

export async function serve(argv: string[]): Promise<number | void> {
  applyRuntimeFlags();
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
      workers: { type: 'string', short: 'w' },
      record: { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    process.stderr.write(`--workers: must be an integer 1-256 (got ${values.workers})\n`);
    return 2;
  }
  // an invalid config throws a ConfigError naming file and path; main() prints it and exits 2
  const { config, warnings } = loadConfig({ path: values.config });
  if (values.record !== undefined) recordAllProviders(config, values.record);
  const port = values.port !== undefined ? Number(values.port) : config.server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port: must be an integer 0-65535 (got ${values.port})\n`);
    return 2;
  }
  const host = values.host ?? config.server.host;
  if (workers > 1 && cluster.isPrimary) return primary(workers);

  // logs go to stderr: stdout carries only the `listening on` line
  const logger = pino({ level: process.env.SWITCHYARD_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const extensions = await buildExtensions(config, { logger });
  const gateway = createGateway(config, { logger, extensions });
  if (cluster.isPrimary) for (const w of warnings) logger.warn(`config ${config.source}: ${w}`);
  let url: string;
  try {
    url = await gateway.listen(port, host);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  if (cluster.isWorker) process.send?.({ listening: url });
  else process.stdout.write(`listening on ${url}\n`);
  const stop = () => {
    void gateway.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Forks the workers, reports the URL once all listen, restarts crashed workers, stops them all on a signal. */
function primary(n: number): Promise<number> {
  return new Promise((resolve) => {
    let announced = false;
    let stopping = false;
    let ready = 0;
    // the workers get the gateway's V8 flags even when the primary was started without them
    cluster.setupPrimary({ execArgv: withServeFlags(process.execArgv) });
    const fork = () => {
      const w = cluster.fork();
      w.on('message', (m: { listening?: string }) => {
        // announce once every worker listens, so the first connections already spread over all
        if (m?.listening && !announced && ++ready === n) {
          announced = true;
          process.stdout.write(`listening on ${m.listening}\n`);
          process.stderr.write(`${n} workers\n`);
        }
      });
    };
    for (let i = 0; i < n; i++) fork();
    cluster.on('exit', (w, code) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
        return;
      }
      if (!announced) {
        // a worker that fails before listening (bad port, refused open bind) fails the whole command
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.kill();
        resolve(code || 1);
        return;
      }
      process.stderr.write(`worker ${w.process.pid} exited with ${code}; restarting\n`);
      fork();
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
      setTimeout(() => resolve(0), 5000).unref();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
