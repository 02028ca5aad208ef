#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner (Node 20 has no --test globs).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'test'];
const files = [];
const walk = (p) => {
  const st = statSync(p);
  if (st.isFile()) {
    if (p.endsWith('.test.ts')) files.push(p);
    return;
  }
  for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== '__fixtures__') walk(join(p, e));
};
for (const r of roots) walk(r);
files.sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
