#!/usr/bin/env node
/**
 * The `switchyard` command. `serve` starts the gateway; other subcommands are registered in
 * COMMANDS (one line each).
 */
import { serve } from './serve.js';

type Command = (argv: string[]) => Promise<number | void>;

const COMMANDS: Record<string, Command> = {
  serve,
  generations: async (argv) => (await import('./generations.js')).generations(argv),
  keys: async (argv) => (await import('./keys.js')).keysCommand(argv),
};

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
