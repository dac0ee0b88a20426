// bin/vipkeeper end to end (no network): flags, -t and -d, from another cwd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/vipkeeper', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/config/', import.meta.url).pathname;

function run(args: string[]) {
  const r = spawnSync(BIN, args, { cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('-v prints the version from any cwd', () => {
  const r = run(['-v']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^vipkeeper v\d+\.\d+\.\d+/);
});

test('an unknown flag exits 1 with usage, as keepalived does', () => {
  const r = run(['--no-such-flag']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Unknown option --no-such-flag/);
  assert.match(r.stderr, /Usage: vipkeeper/);
});

test('-t reports FILE:LINE diagnostics and keepalived exit status', () => {
  const file = join(FIXTURES, 'bad/priority-0.conf');
  const r = run(['-t', '-f', file]);
  assert.equal(r.status, 5);
  assert.match(r.stderr, new RegExp(`${file}:6:\\d+: error: .*outside range`));
});

test('-tLOG writes the diagnostics to the log file instead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vkcli'));
  try {
    const log = join(dir, 'check.log');
    const r = run([`-t${log}`, '-f', join(FIXTURES, 'bad/unknown-keyword.conf')]);
    assert.equal(r.status, 5);
    assert.equal(r.stderr, '');
    assert.match(readFileSync(log, 'utf8'), /Unknown keyword 'foo_bar'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing config file cannot run (4)', () => {
  const r = run(['-t', '-f', '/nonexistent/keepalived.conf']);
  assert.equal(r.status, 4);
});

test('-d prints the model as JSON', () => {
  const r = run(['-d', '-f', join(FIXTURES, 'good/definitions.conf')]);
  assert.equal(r.status, 0, r.stderr);
  const model = JSON.parse(r.stdout) as { instances: { name: string; vrid: number; virtualAddresses: { address: string }[] }[] };
  assert.deepEqual(model.instances.map((i) => [i.name, i.vrid, i.virtualAddresses[0]!.address]), [
    ['VI_1', 1, '10.0.3.1'], ['VI_2', 2, '10.0.3.2'], ['VI_3', 3, '10.0.3.3'], ['VI_4', 4, '10.0.3.4'], ['VI_5', 5, '10.0.3.5'],
  ]);
});
