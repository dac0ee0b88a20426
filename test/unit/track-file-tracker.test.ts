import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTracker, initTrackFile, readTrackFile, type FileValueChange } from '../../src/track/file-tracker.ts';
import { waitFor, withTmpDir } from './track-helpers.ts';

test('init_file creates the file, keeps an existing one, overwrites with overwrite', () => withTmpDir('ft', async (dir) => {
  const p = join(dir, 'prio');
  initTrackFile(p, 5, false);
  assert.equal(readFileSync(p, 'utf8'), '5\n');
  initTrackFile(p, 9, false);
  assert.equal(readFileSync(p, 'utf8'), '5\n');
  initTrackFile(p, -2, true);
  assert.equal(readFileSync(p, 'utf8'), '-2\n');
  assert.throws(() => initTrackFile(dir, 1, true), /not a regular file/);
}));

test('reads: missing = 0, empty = 0, out of range = ignored (null)', () => withTmpDir('ft', async (dir) => {
  const p = join(dir, 'v');
  assert.equal(readTrackFile(p), 0);
  writeFileSync(p, '');
  assert.equal(readTrackFile(p), 0);
  writeFileSync(p, '0x20\n');
  assert.equal(readTrackFile(p), 32);
  writeFileSync(p, '99999999999\n');
  assert.equal(readTrackFile(p), null);
}));

test('the tracker reports writes, replacement by rename and deletion, not repeats or invalid values', () => withTmpDir('ft', async (dir) => {
  const p = join(dir, 'prio');
  writeFileSync(p, '3\n');
  const changes: FileValueChange[] = [];
  const t = new FileTracker({ id: 'file:prio', path: p, rereadMs: 0 }, (c) => changes.push(c));
  try {
    assert.equal(t.start(), 3);
    writeFileSync(p, '7\n');
    await waitFor('7', () => changes.length === 1, 2000);
    assert.deepEqual(changes[0], { id: 'file:prio', value: 7 });
    writeFileSync(p, '7\n'); // same value: nothing
    writeFileSync(p, '4294967296\n'); // out of range: ignored
    writeFileSync(join(dir, 'other'), '1\n'); // another file in the directory
    const tmp = join(dir, 'prio.tmp');
    writeFileSync(tmp, '-20\n');
    renameSync(tmp, p);
    await waitFor('-20', () => changes.length === 2, 2000);
    assert.deepEqual(changes[1], { id: 'file:prio', value: -20 });
    unlinkSync(p);
    await waitFor('0 after delete', () => changes.length === 3, 2000);
    assert.equal(changes[2]!.value, 0);
    writeFileSync(p, '12');
    await waitFor('created again', () => changes.length === 4, 2000);
    assert.equal(changes[3]!.value, 12);
    assert.equal(t.value, 12);
  } finally {
    t.stop();
  }
}));

test('the periodic re-read catches a change the watcher cannot see (directory replaced)', () => withTmpDir('ft', async (dir) => {
  const sub = join(dir, 'd');
  const { mkdirSync, rmSync } = await import('node:fs');
  mkdirSync(sub);
  const p = join(sub, 'v');
  writeFileSync(p, '1');
  const changes: FileValueChange[] = [];
  const t = new FileTracker({ id: 'file:v', path: p, rereadMs: 50 }, (c) => changes.push(c));
  try {
    t.start();
    rmSync(sub, { recursive: true });
    mkdirSync(sub);
    writeFileSync(p, '8');
    await waitFor('8 via re-read', () => changes.some((c) => c.value === 8), 2000);
  } finally {
    t.stop();
  }
}));

test('a missing directory is a config error', () => withTmpDir('ft', async (dir) => {
  const t = new FileTracker({ id: 'file:x', path: join(dir, 'no', 'x'), rereadMs: 0 }, () => {});
  assert.throws(() => t.start(), /does not exist/);
}));
