import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { instanceNotify, groupNotify, masterRxLowerPriNotify } from '../../src/notify/events.ts';
import { NotifyFifo } from '../../src/notify/fifo.ts';
import { readLines, ROOT_IDS, waitFor, withTmpDir } from './track-helpers.ts';
import type { GroupRunOutcome } from '../../src/track/spawn-group.ts';

test('FIFO: created if missing, notify_fifo_script gets the path and reads the exact lines; closed = unlinked', () => withTmpDir('nf', async (dir) => {
  const fifo = join(dir, 'notify.fifo');
  const out = join(dir, 'out');
  const exits: GroupRunOutcome[] = [];
  // The FIFO path arrives as the last argument ($0 of sh -c).
  const f = NotifyFifo.open({ path: fifo, script: { argv: ['/bin/sh', '-c', `exec cat "$0" >> ${out}`], ids: ROOT_IDS }, onScriptExit: (o) => exits.push(o) });
  try {
    assert.ok(lstatSync(fifo).isFIFO());
    assert.equal(lstatSync(fifo).mode & 0o777, 0o600); // keepalived 2.2.7's, measured
    const lines = [
      instanceNotify({}, 'VI_1', 'BACKUP', 100).fifoLine!,
      instanceNotify({}, 'VI_1', 'MASTER', 100).fifoLine!,
      groupNotify({}, 'VG_1', 'MASTER').fifoLine!,
      masterRxLowerPriNotify({}, 'VI_1', 100).fifoLine!,
    ];
    for (const l of lines) assert.equal(f.write(l), true);
    await waitFor('the reader got every line', () => readLines(out).length === 4, 3000);
    assert.deepEqual(readLines(out), ['INSTANCE "VI_1" BACKUP 100', 'INSTANCE "VI_1" MASTER 100', 'GROUP "VG_1" MASTER 0', 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100']);
  } finally {
    f.close();
  }
  assert.equal(existsSync(fifo), false);
  await waitFor('the fifo script was stopped', () => exits.length === 1, 3000);
}));

test('FIFO with no reader: writes never block; overflow is dropped and counted', () => withTmpDir('nf', async (dir) => {
  const fifo = join(dir, 'lonely.fifo');
  const f = NotifyFifo.open({ path: fifo });
  try {
    const line = instanceNotify({}, 'VI_1', 'MASTER', 100).fifoLine!;
    const n = 5000; // 5000 x 27 bytes > the 64 KiB pipe buffer
    const t0 = performance.now();
    let ok = 0;
    for (let i = 0; i < n; i++) if (f.write(line)) ok++;
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < 1000, `writing took ${elapsed} ms`);
    assert.ok(f.dropped > 0, 'the pipe filled up');
    assert.equal(f.written, ok);
    assert.equal(f.written + f.dropped, n);
    assert.ok(f.written * line.length <= 1024 * 1024);
  } finally {
    f.close();
  }
}));

test('an existing path that is not a FIFO is refused; an existing FIFO is kept on close', () => withTmpDir('nf', async (dir) => {
  const plain = join(dir, 'plain');
  writeFileSync(plain, '');
  assert.throws(() => NotifyFifo.open({ path: plain }), /not a fifo we own/);
  const fifo = join(dir, 'pre.fifo');
  NotifyFifo.open({ path: fifo }).close(); // created and removed
  const { spawnSync } = await import('node:child_process');
  spawnSync('mkfifo', [fifo]);
  NotifyFifo.open({ path: fifo }).close();
  assert.ok(lstatSync(fifo).isFIFO(), 'a FIFO we did not create stays');
}));

test('FIFO for a non-root reader: created 0600, owned by the configured user before its notify_fifo_script starts, and read by it', { skip: process.getuid?.() !== 0 && 'needs root' }, () => withTmpDir('nf', async (dir) => {
  const { chmodSync } = await import('node:fs');
  chmodSync(dir, 0o777); // the reader, as nobody, writes its output here
  const fifo = join(dir, 'nobody.fifo');
  const out = join(dir, 'out');
  const nobody = 65534;
  const f = NotifyFifo.open({ path: fifo, uid: nobody, gid: nobody, script: { argv: ["/bin/sh", "-c", `exec cat "$0" >> ${out}`], ids: { uid: nobody, gid: nobody, groups: [nobody] } } });
  try {
    const st = lstatSync(fifo);
    assert.deepEqual([st.isFIFO(), st.mode & 0o777, st.uid, st.gid], [true, 0o600, nobody, nobody]);
    assert.equal(f.write(instanceNotify({}, 'VI_1', 'MASTER', 100).fifoLine!), true);
    await waitFor('the reader (nobody) got the line', () => readLines(out).length === 1, 3000);
    assert.deepEqual(readLines(out), ['INSTANCE "VI_1" MASTER 100']);
  } finally {
    f.close();
  }
}));
