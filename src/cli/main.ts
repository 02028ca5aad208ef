#!/usr/bin/env node
/**
 * The `switchyard` command. `serve` starts the gateway; other subcommands are registered in
 * COMMANDS (one line each).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import pino from 'pino';
import { buildExtensions } from '../features.js';
import { createGateway } from '../server/app.js';

type Command = (argv: string[]) => Promise<number | void>;

const COMMANDS: Record<string, Command> = {
  serve,
  keys: async (argv) => (await import('./keys.js')).keysCommand(argv),
};

export async function serve(argv: string[]): Promise<number | void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
    },
    allowPositionals: false,
    strict: true,
  });
  let loaded;
  try {
    loaded = loadConfig({ path: values.config });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { config, warnings } = loaded;
  // logs go to stderr: stdout carries only the `listening on` line
  const logger = pino({ level: process.env.SWITCHYARD_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const extensions = await buildExtensions(config, { logger });
  const gateway = createGateway(config, { logger, extensions });
  for (const w of warnings) gateway.logger.warn(`config ${config.source}: ${w}`);
  const port = values.port !== undefined ? Number(values.port) : config.server.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port: must be an integer 0-65535 (got ${values.port})\n`);
    return 2;
  }
  let url: string;
  try {
    url = await gateway.listen(port, values.host ?? config.server.host);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`listening on ${url}\n`);
  const stop = () => {
    void gateway.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const name = cmd === undefined || cmd.startsWith('-') ? 'serve' : cmd;
  const run = COMMANDS[name];
  if (run === undefined) {
    process.stderr.write(`unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  try {
    const code = await run(name === cmd ? rest : argv);
    return code ?? 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
