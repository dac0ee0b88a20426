// The daemon is a session leader with no terminal under systemd: opening a
// tty without O_NOCTTY would make it the controlling terminal, and whoever
// holds the other side could send SIGINT/SIGQUIT/SIGHUP with ^C, ^\ or a
// hangup. A track_file or an include can be a symlink an unprivileged user
// planted, so the readers must never take a terminal, and track_file must
// not even open a device. test/fixtures/ctty/probe.py plays the attacker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTracker, readTrackFile } from '../../src/track/file-tracker.ts';
import { withTmpDir } from './track-helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'ctty');

interface Probe { before: number; after: number; result: unknown; slaveOpened: boolean }

function probe(mode: string): Probe {
  const r = spawnSync('python3', [join(FIX, 'probe.py'), process.execPath, '--import', 'tsx', join(FIX, 'child.ts'), mode],
    { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  assert.equal(r.status, 0, `probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as Probe;
}

test('control: an open without O_NOCTTY does make the pty the controlling terminal', () => {
  const p = probe('control');
  assert.equal(p.before, 0, 'the child starts with no controlling terminal');
  assert.notEqual(p.after, 0, 'the probe can see a terminal being taken');
});

test('readTrackFile on a symlink to a pty: no controlling terminal, the pty is not opened, reads as missing (0)', () => {
  const p = probe('track');
  assert.equal(p.before, 0);
  assert.equal(p.after, 0, 'tty_nr became non-zero: the daemon took the terminal');
  assert.equal(p.slaveOpened, false, 'a character device was opened');
  assert.equal(p.result, 0);
});

test('readConfigFile on a symlink to a pty: no controlling terminal, the pty is not opened, refused', () => {
  const p = probe('config');
  assert.equal(p.before, 0);
  assert.equal(p.after, 0, 'tty_nr became non-zero: the daemon took the terminal');
  assert.equal(p.slaveOpened, false, 'a character device was opened');
  assert.deepEqual(p.result, { refused: 'notRegular' });
});

test('a track_file symlink to /dev/null reads as a missing file; a symlink to a regular file still reads', () => withTmpDir('ctty', async (dir) => {
  const dev = join(dir, 'dev');
  symlinkSync('/dev/null', dev);
  assert.equal(readTrackFile(dev), 0);
  const t = new FileTracker({ id: 'file:dev', path: dev, rereadMs: 0 }, () => {});
  try { assert.equal(t.start(), 0); } finally { t.stop(); }
  const real = join(dir, 'real');
  writeFileSync(real, '12\n');
  symlinkSync(real, join(dir, 'good'));
  assert.equal(readTrackFile(join(dir, 'good')), 12);
}));
