import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVE_NODE_FLAGS, withServeFlags } from './node-flags.js';

test('npm start passes every gateway flag to node, before the entry point', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  assert.equal(words[0], 'node');
  const entry = words.findIndex((w) => w.endsWith('.js'));
  assert.ok(entry > 0, pkg.scripts.start);
  assert.ok(SERVE_NODE_FLAGS.length > 0);
  for (const f of SERVE_NODE_FLAGS) {
    const at = words.indexOf(f);
    assert.ok(at > 0 && at < entry, `${f} in "${pkg.scripts.start}" before ${words[entry]}`);
  }
});

test('withServeFlags adds what is missing, keeps the order and adds nothing twice', () => {
  assert.deepEqual(withServeFlags([], ''), [...SERVE_NODE_FLAGS]);
  assert.deepEqual(withServeFlags(['--import', 'tsx'], ''), ['--import', 'tsx', ...SERVE_NODE_FLAGS]);
  const once = withServeFlags(['--enable-source-maps'], '');
  assert.deepEqual(withServeFlags(once, ''), once);
  const given = [SERVE_NODE_FLAGS[0]!, '--import', 'tsx'];
  assert.deepEqual(withServeFlags(given, ''), [...given, ...SERVE_NODE_FLAGS.slice(1)]);
});

test("withServeFlags keeps an operator's own setting of a flag, on the command line or in NODE_OPTIONS", () => {
  assert.deepEqual(SERVE_NODE_FLAGS, ['--no-memory-reducer']);
  assert.deepEqual(withServeFlags(['--memory-reducer'], ''), ['--memory-reducer'], 'the opposite sign is the operator asking for it');
  assert.deepEqual(withServeFlags(['--no_memory_reducer'], ''), ['--no_memory_reducer'], 'V8 reads _ as -');
  assert.deepEqual(withServeFlags([], '--max-old-space-size=512 --memory-reducer'), []);
  assert.deepEqual(withServeFlags(['--max-semi-space-size=64'], ''), ['--max-semi-space-size=64', '--no-memory-reducer'], "another flag is not this one, and the operator's flags stay");
});

test('node accepts every gateway flag', async () => {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, [...SERVE_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [...SERVE_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))']);
});
