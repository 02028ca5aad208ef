/**
 * The README quickstart, as a user runs it on a fresh checkout with no config and no key:
 * `npm start` (port 0 instead of 8080), the README's curl of the seed's first request (sent with
 * fetch, the body taken from the README itself), and `npm run example:books`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listeningUrl } from '../helpers/spawned.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The environment of a user with no provider key and no config. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_LOG_LEVEL: 'warn', ...extra };
  for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'SWITCHYARD_CONFIG', 'SWITCHYARD_MASTER_KEY', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT']) delete env[k];
  return env;
}

/** The JSON body of the README's Quickstart curl (between `<<'JSON'` and `JSON`). */
function readmeCurlBody(): Record<string, unknown> {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const m = /curl -s (\S+) \\\n[^]*?<<'JSON'\n([^]*?)\nJSON\n/.exec(section);
  assert.ok(m, 'the Quickstart section has the curl with a JSON heredoc');
  assert.equal(m[1], 'http://127.0.0.1:8080/api/v1/chat/completions');
  return JSON.parse(m[2]!);
}

let server: ChildProcess;
let url: string;
let stderr = '';

before(async () => {
  server = spawn(NPM, ['start', '--', '--port', '0'], { cwd: ROOT, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  server.stderr!.on('data', (d) => (stderr += d));
  url = await listeningUrl(server, { what: 'npm start', timeoutMs: 90_000, stderr: () => stderr });
});

after(() => {
  // npm → sh → node: end the whole group this test started
  if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
});

test("the README's curl: the seed's first request gets the tool call", async () => {
  const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(readmeCurlBody()) });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.model, 'switchyard/replay-demo');
  const choice = body.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.native_finish_reason, 'tool_use', 'translated from the Anthropic format');
  assert.equal(choice.message.tool_calls[0].function.name, 'search_gutenberg_books');
  assert.deepEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), { search_terms: ['James Joyce'] });
});

test('the same request streamed', async () => {
  const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...readmeCurlBody(), stream: true }) });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /event-stream/);
  const text = await r.text();
  assert.match(text, /"name":"search_gutenberg_books"/);
  assert.match(text, /"finish_reason":"tool_calls"/);
  assert.match(text, /data: \[DONE\]\n\n$/);
});

test('a request the cassettes do not hold: 404 naming the closest cassette', async () => {
  const body = readmeCurlBody() as { messages: { content: string }[] };
  body.messages[1]!.content = 'Who wrote Emma?';
  const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const err = await r.json();
  assert.equal(r.status, 404);
  assert.match(err.error.message, /closest is replay-\w+\.json/);
  assert.equal(err.error.metadata.first_difference.field, 'body.messages[0].content[0].text');
});

test('npm run example:books runs the whole loop and prints each step', async () => {
  const child = spawn(NPM, ['run', '--silent', 'example:books'], { cwd: ROOT, env: userEnv({ SWITCHYARD_BASE_URL: `${url}/api/v1` }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, `${out}\n${err}`);
  assert.match(out, /── step 1 ──/);
  assert.match(out, /→ search_gutenberg_books\(\{"search_terms":\["James Joyce"\]\}\)/);
  assert.match(out, /← search_gutenberg_books: 3 result\(s\)/);
  assert.match(out, /── step 2 ──/);
  assert.match(out, /Ulysses/);
  assert.match(out, /A Portrait of the Artist as a Young Man/);
  assert.match(out, /Done in 2 steps \(stop\)/);
});

test("the SDK is importable as 'switchyard/sdk' from the build npm start made", async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', "const m = await import('switchyard/sdk'); console.log(typeof m.Switchyard, typeof m.runTools, typeof m.accumulateToolCalls)"], { cwd: ROOT, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, err);
  assert.equal(out.trim(), 'function function function');
});
