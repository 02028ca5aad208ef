/** `switchyard serve --record DIR`: every live provider records its upstream exchanges into DIR. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { completion, startFakeOpenAI } from '../fakes/openai.js';
import { openaiConfig } from '../helpers/gateway.js';
import { listeningUrl } from '../helpers/spawned.js';

test('serve --record DIR writes one cassette per exchange, key redacted', async () => {
  const fake = await startFakeOpenAI();
  const dir = mkdtempSync(join(tmpdir(), 'sy-record-cli-'));
  const cfg = join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify(openaiConfig(fake.url)));
  const cassettes = join(dir, 'cassettes');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', cfg, '--port', '0', '--record', cassettes], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await listeningUrl(child);
    fake.enqueue(completion({ content: 'recorded' }));
    const r = await fetch(`${url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    assert.equal(r.status, 200);
    await r.text();
    const files = readdirSync(cassettes);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^fakeopenai-[0-9a-f]{12}\.json$/);
    const text = readFileSync(join(cassettes, files[0]!), 'utf8');
    assert.doesNotMatch(text, /sk-upstream-secret/);
    assert.equal(JSON.parse(text).response.body.choices[0].message.content, 'recorded');
  } finally {
    child.kill('SIGTERM');
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
