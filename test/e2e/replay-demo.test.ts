/**
 * The bundled replay-demo cassettes are what the current Anthropic adapter sends for the seed's
 * conversation: re-recording them (examples/record-replay-demo.ts, through the real adapter and
 * the strict Anthropic fake) gives the same requests (the fake's answers may evolve; the
 * bundled answers stay as recorded). When this fails after an adapter change,
 * re-record: `node --import tsx examples/record-replay-demo.ts`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPLAY_DEMO_DIR } from '../../src/config/defaults.js';
import { recordDemo } from '../../examples/record-replay-demo.js';

const read = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

test('bundled demo cassettes are up to date with the Anthropic adapter', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-demo-'));
  try {
    const fresh = await recordDemo(dir);
    const bundled = readdirSync(REPLAY_DEMO_DIR).filter((f) => f.endsWith('.json')).sort();
    assert.equal(bundled.length, 4, 'turn 1 and 2, streaming and not');
    assert.deepEqual(fresh, bundled, 'the adapter now sends different requests: re-record with node --import tsx examples/record-replay-demo.ts');
    for (const f of bundled) {
      const a = read(REPLAY_DEMO_DIR, f);
      const b = read(dir, f);
      assert.deepEqual(b.request.body, a.request.body, f);
      assert.equal(JSON.stringify(a).includes('sk-ant-recording'), false, 'no key in the bundled files');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
