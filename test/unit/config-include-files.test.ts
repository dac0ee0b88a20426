// Only regular, non-executable files are read as configuration, as keepalived
// 2.2.7 does ("... is not a regular non-executable file - skipping"): an
// `include /dev/zero` or a FIFO must not hang the check or grow its memory.
// Run through bin/vipkeeper in a child with a timeout, because the bug is a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/vipkeeper', import.meta.url).pathname;
let dir = '';

function check(main: string) {
  const r = spawnSync(BIN, ['-t', '-f', main], { cwd: dir, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  assert.equal(r.signal, null, `killed by the timeout (a hang): ${r.stderr}`);
  return { status: r.status, err: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), `vkinc${process.pid}`));
  writeFileSync(join(dir, 'regular.inc'), 'global_defs {\n  router_id from_regular\n}\n');
  writeFileSync(join(dir, 'exec.inc'), 'global_defs {\n  router_id from_exec\n}\n');
  chmodSync(join(dir, 'exec.inc'), 0o744); // any x bit is enough for keepalived to skip it
  writeFileSync(join(dir, 'other-x.inc'), 'bogus_from_other_x\n');
  chmodSync(join(dir, 'other-x.inc'), 0o645);
  mkdirSync(join(dir, 'adir.inc'));
  assert.equal(spawnSync('mkfifo', [join(dir, 'fifo.inc')]).status, 0);
  symlinkSync('regular.inc', join(dir, 'link-regular.inc'));
  symlinkSync('/dev/zero', join(dir, 'link-zero.inc'));
  mkdirSync(join(dir, 'g'));
  writeFileSync(join(dir, 'g', 'a.conf'), 'unknown_from_glob_a\n');
  mkdirSync(join(dir, 'g', 'b.conf'));
  assert.equal(spawnSync('mkfifo', [join(dir, 'g', 'c.conf')]).status, 0);
  symlinkSync('/dev/zero', join(dir, 'g', 'd.conf'));
  writeFileSync(join(dir, 'g', 'e.conf'), 'unknown_from_glob_e\n');
  chmodSync(join(dir, 'g', 'e.conf'), 0o755);
});

after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const INCLUDES = ['/dev/zero', 'adir.inc', 'fifo.inc', 'exec.inc', 'other-x.inc', 'link-zero.inc', 'link-regular.inc', 'missing.inc', 'g/*.conf'];

test('include skips what is not a regular non-executable file, with keepalived\'s words, and exits 0 as it does', () => {
  const main = join(dir, 'main.conf');
  writeFileSync(main, INCLUDES.map((i) => `include ${i}`).join('\n') + '\n');
  const { status, err } = check(main);
  const line = (n: number) => `${main}:${n}:`;
  const skipped = (n: number, path: string) =>
    assert.ok(err.includes(`${line(n)}`) && err.includes(`Configuration file '${path}' is not a regular non-executable file - skipping`), `${path}:\n${err}`);
  skipped(1, '/dev/zero');
  assert.ok(err.includes(`Configuration file '${join(dir, 'adir.inc')}/' is a directory - skipping`), err);
  skipped(3, join(dir, 'fifo.inc'));
  skipped(4, join(dir, 'exec.inc'));
  skipped(5, join(dir, 'other-x.inc'));
  skipped(6, join(dir, 'link-zero.inc'));
  assert.ok(err.includes(`Config files missing '${join(dir, 'missing.inc')}'`), err);
  // The glob reports each match it skips, and reads the regular one.
  assert.ok(err.includes(`Configuration file '${join(dir, 'g/b.conf')}/' is a directory - skipping`), err);
  skipped(9, join(dir, 'g/c.conf'));
  skipped(9, join(dir, 'g/d.conf'));
  skipped(9, join(dir, 'g/e.conf'));
  assert.match(err, /Unknown keyword 'unknown_from_glob_a'/);
  assert.doesNotMatch(err, /unknown_from_glob_e|bogus_from_other_x/);
  // A symlink to a regular file is read (its router_id is a known keyword: no complaint).
  assert.doesNotMatch(err, /from_regular|link-regular/);
  // keepalived -t exits 0 for every skip; the unknown keyword read from g/a.conf makes it 5.
  assert.equal(status, 5, err);
});

test('a main config file that is not a regular non-executable file is refused (4), never read', () => {
  for (const main of ['/dev/zero', join(dir, 'fifo.inc'), join(dir, 'exec.inc'), join(dir, 'link-zero.inc')]) {
    const { status, err } = check(main);
    assert.equal(status, 4, `${main}: ${err}`);
    assert.match(err, new RegExp(`Configuration file '${main}' is not a regular non-executable file`));
  }
  const { status, err } = check(join(dir, 'adir.inc'));
  assert.equal(status, 4, err);
  assert.match(err, /is a directory/);
  assert.equal(check(join(dir, 'link-regular.inc')).status, 0);
});
