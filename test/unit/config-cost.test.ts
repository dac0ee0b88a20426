// What a config may cost: peak memory of a `-t` check stays proportional to
// what the file holds, never to a rope of one-character pieces. Measured in a
// child process (maxRSS is not load-dependent, unlike time, on a shared machine).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeShape, type Shape } from '../../scripts/bench/lib/config-shapes.ts';

const CHECK = new URL('../../src/config/check.ts', import.meta.url).href;
const LOAD = new URL('../../src/config/load.ts', import.meta.url).href;
let dir = '';

before(() => { dir = mkdtempSync(join(tmpdir(), `vkcost${process.pid}`)); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Peak RSS (MiB) of a fresh process checking a file of `shape`, beyond the same process checking an empty file. */
function peakMiB(shape: Shape, bytes: number): number {
  const file = join(dir, `${shape}.conf`);
  writeShape(shape, file, bytes);
  const run = (f: string) => {
    const code = `const { checkConfig } = await import(${JSON.stringify(CHECK)}); const { fsReader } = await import(${JSON.stringify(LOAD)});
      checkConfig(${JSON.stringify(f)}, fsReader, { configId: 'x', env: null }); console.log(process.resourceUsage().maxRSS);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return Number(r.stdout.trim()) / 1024;
  };
  return run(file) - run('/dev/null');
}

test('a 16 MB quoted script command costs a few times its size, not a rope of characters', () => {
  const mib = peakMiB('long-word', 16 << 20);
  assert.ok(mib < 100, `peak beyond an empty check: ${mib.toFixed(0)} MiB`);
});

test('a 16 MB comment line costs a few times its size', () => {
  const mib = peakMiB('long-line', 16 << 20);
  assert.ok(mib < 100, `peak beyond an empty check: ${mib.toFixed(0)} MiB`);
});

test('a 16 MB virtual_ipaddress block costs what its addresses keep, not a statement per line', () => {
  // 830,000 VIPs, whose model objects are most of what remains (~130 MiB
  // measured here, ~90 B a VIP); holding every line of the file and a
  // statement per VIP until the block closed cost 448 MiB, and a VIP of 17
  // fields and a `where` object 265 MiB.
  const mib = peakMiB('vips', 16 << 20);
  console.log(`vips 16 MB: ${mib.toFixed(0)} MiB beyond an empty check`);
  assert.ok(mib < 200, `peak beyond an empty check: ${mib.toFixed(0)} MiB`);
});
