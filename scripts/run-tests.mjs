#!/usr/bin/env node
// Runs the test suites with node:test (Node 20's --test does not glob .ts).
// Usage: node scripts/run-tests.mjs [suite...]   suites: unit sim netns interop
// Each *.test.ts file runs in its own process; namespace tests name every
// namespace with their PID so they can run side by side.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ALL = ['unit', 'sim', 'netns', 'interop'];
const suites = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const s of suites) if (!ALL.includes(s)) { console.error(`unknown suite: ${s} (have: ${ALL.join(' ')})`); process.exit(2); }

function walk(dir) {
  let out = [];
  let names = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = suites.flatMap((s) => walk(join('test', s)));
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const needsRoot = suites.some((s) => s === 'netns' || s === 'interop');
if (needsRoot && process.getuid && process.getuid() !== 0) {
  console.error('netns and interop tests need root (they create network namespaces)');
  process.exit(1);
}
const concurrency = process.env.VIPKEEPER_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
