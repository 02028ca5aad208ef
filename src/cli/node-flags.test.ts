import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyRuntimeFlags, RUNTIME_FLAGS, SERVE_NODE_FLAGS, withServeFlags } from './node-flags.js';

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
  assert.deepEqual(SERVE_NODE_FLAGS, ['--no-memory-reducer', '--no-allocation-site-pretenuring']);
  const pretenuring = '--no-allocation-site-pretenuring';
  assert.deepEqual(withServeFlags(['--memory-reducer'], ''), ['--memory-reducer', pretenuring], 'the opposite sign is the operator asking for it');
  assert.deepEqual(withServeFlags(['--no_memory_reducer'], ''), ['--no_memory_reducer', pretenuring], 'V8 reads _ as -');
  assert.deepEqual(withServeFlags([], '--max-old-space-size=512 --memory-reducer --allocation_site_pretenuring'), []);
  assert.deepEqual(withServeFlags(['--max-semi-space-size=64'], ''), ['--max-semi-space-size=64', ...SERVE_NODE_FLAGS], "another flag is not this one, and the operator's flags stay");
});

test('node accepts every gateway flag', () => {
  const out = execFileSync(process.execPath, [...SERVE_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [...SERVE_NODE_FLAGS, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))']);
});

test('applyRuntimeFlags sets the run-time flags node was not given, and leaves an operator\'s own alone', () => {
  assert.ok(RUNTIME_FLAGS.every((f) => SERVE_NODE_FLAGS.includes(f)), 'a run-time flag is a gateway flag');
  const set: string[] = [];
  assert.deepEqual(applyRuntimeFlags([], '', (f) => set.push(f)), [...RUNTIME_FLAGS]);
  assert.deepEqual(set, [...RUNTIME_FLAGS]);
  set.length = 0;
  assert.deepEqual(applyRuntimeFlags(['--allocation-site-pretenuring'], '', (f) => set.push(f)), []);
  assert.deepEqual(applyRuntimeFlags([], '--no_allocation_site_pretenuring', (f) => set.push(f)), []);
  assert.deepEqual(set, []);
});

/**
 * A V8 probe: objects of one literal site all kept alive through many scavenges, then how many of
 * 20 more were born in old space (%InYoungGeneration false): V8 tenures such a site when
 * allocation-site pretenuring is on.
 */
const PROBE = `
function make(i) { return { a: i, b: null }; }
const keep = [];
let old = 0;
for (let r = 0; r < 20; r++) {
  for (let i = 0; i < 50000; i++) keep.push(make(i));
  const o = make(r);
  keep.push(o);
  if (!%InYoungGeneration(o)) old++;
}
process.stdout.write(String(old));
`;

test('applyRuntimeFlags turns allocation-site pretenuring off in a process started without the flag', () => {
  const probe = (setup: string) =>
    Number(execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', `${setup}\n${PROBE}`], { encoding: 'utf8', cwd: new URL('../..', import.meta.url) }));
  // the probe sees pretenuring on this V8 (else the check below would prove nothing)
  assert.ok(probe('') > 0, 'pretenuring on: some objects born in old space');
  assert.equal(probe(`const { applyRuntimeFlags } = await import('./src/cli/node-flags.ts'); applyRuntimeFlags([], '');`), 0, 'after applyRuntimeFlags: none');
});
