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

test("withServeFlags keeps an operator's own value of a flag, on the command line or in NODE_OPTIONS", () => {
  assert.ok(SERVE_NODE_FLAGS.includes('--max-semi-space-size=64'));
  const others = SERVE_NODE_FLAGS.filter((f) => !f.startsWith('--max-semi-space-size'));
  assert.deepEqual(withServeFlags(['--max-semi-space-size=16'], ''), ['--max-semi-space-size=16', ...others]);
  assert.deepEqual(withServeFlags(['--max_semi_space_size=8'], ''), ['--max_semi_space_size=8', ...others]);
  assert.deepEqual(withServeFlags([], '--max-old-space-size=512 --max-semi-space-size=32'), others);
  // another flag's name is not this one's
  assert.deepEqual(withServeFlags(['--max-old-space-size=512'], ''), ['--max-old-space-size=512', ...SERVE_NODE_FLAGS]);
});

test('node accepts every gateway flag', async () => {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, [...SERVE_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [...SERVE_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))']);
});

test('the semi-space flag takes effect: the young generation may grow past its default', async () => {
  const { execFileSync } = await import('node:child_process');
  // new space's capacity once a run of short-lived allocations has made V8 grow it as far as it may
  const probe = `const v8 = require('node:v8'); let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 2e5) keep = []; }
    process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
  const size = (flags: string[]) => Number(execFileSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }));
  const withFlags = size([...SERVE_NODE_FLAGS]);
  const without = size([]);
  assert.ok(withFlags > without, `new space ${withFlags} bytes with the flags, ${without} without`);
});
