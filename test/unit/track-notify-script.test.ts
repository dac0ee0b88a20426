import { test } from 'node:test';
import { NOTIFY_TIMEOUT_MS } from '../../src/daemon/notifications.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { instanceNotify, groupNotify } from '../../src/notify/events.ts';
import { NotifyScriptRunner, type NotifyJob, type NotifyJobResult } from '../../src/notify/script.ts';
import { Limiter } from '../../src/track/limiter.ts';
import { readLines, ROOT_IDS, waitFor, withTmpDir, writeScript } from './track-helpers.ts';

const jobs = (p: ReturnType<typeof instanceNotify>): NotifyJob[] =>
  p.commands.map((c) => ({ argv: c.argv, ids: ROOT_IDS, stop: c.state === 'STOP' }));

test('notify scripts receive keepalived\'s exact arguments, in order per instance', () => withTmpDir('ns', async (dir) => {
  const log = join(dir, 'log');
  // Each script appends its name and "$@"; the first master script is slow, so
  // order holds only if the runner waits for it.
  const rec = (name: string, pre = '') => writeScript(dir, `${name}.sh`, `${pre}\necho "${name}" "$@" >> ${log}`);
  const cfg = {
    master: { argv: [rec('master', 'sleep 0.2'), 'arg one'], ids: ROOT_IDS },
    backup: { argv: [rec('backup')], ids: ROOT_IDS },
    stop: { argv: [rec('stop')], ids: ROOT_IDS },
    any: { argv: [rec('notify'), 'x'], ids: ROOT_IDS },
  };
  const results: NotifyJobResult[] = [];
  const r = new NotifyScriptRunner({ limiter: new Limiter(4, 16), timeoutMs: 5000, stopTimeoutMs: 1000, maxQueuePerKey: 16, onResult: (x) => results.push(x) });
  r.submit('VI_1', jobs(instanceNotify(cfg, 'VI_1', 'MASTER', 100)));
  r.submit('VI_1', jobs(instanceNotify(cfg, 'VI_1', 'BACKUP', 90)));
  r.submit('VI_1', jobs(instanceNotify(cfg, 'VI_1', 'STOP', 90)));
  r.submit('VG_1', jobs(groupNotify({ any: cfg.any }, 'VG_1', 'MASTER')));
  await r.idle();
  const lines = readLines(log);
  assert.deepEqual(lines.filter((l) => !l.includes('GROUP')), [
    'master arg one',
    'notify x INSTANCE VI_1 MASTER 100',
    'backup',
    'notify x INSTANCE VI_1 BACKUP 90',
    'stop',
    'notify x INSTANCE VI_1 STOP 90',
  ]);
  assert.deepEqual(lines.filter((l) => l.includes('GROUP')), ['notify x GROUP VG_1 MASTER 0']);
  assert.ok(results.every((x) => x.outcome.kind === 'exit' && x.outcome.code === 0));
}));

test('a hanging notify script is killed at its timeout and the queue moves on; STOP gets the short timeout', () => withTmpDir('ns', async (dir) => {
  const log = join(dir, 'log');
  const hang = writeScript(dir, 'hang.sh', 'sleep 30');
  const after = writeScript(dir, 'after.sh', `echo after >> ${log}`);
  const results: NotifyJobResult[] = [];
  const r = new NotifyScriptRunner({ limiter: new Limiter(2, 8), timeoutMs: 300, stopTimeoutMs: 100, maxQueuePerKey: 4, onResult: (x) => results.push(x) });
  const t0 = performance.now();
  r.submit('VI_1', [{ argv: [hang], ids: ROOT_IDS }, { argv: [hang], ids: ROOT_IDS, stop: true }, { argv: [after], ids: ROOT_IDS }]);
  await waitFor('after ran', () => results.length === 3, 3000);
  assert.deepEqual(readLines(log), ['after']);
  const elapsed = performance.now() - t0;
  assert.deepEqual(results.map((x) => x.outcome.kind), ['timeout', 'timeout', 'exit']);
  assert.ok(elapsed >= 400 && elapsed < 1500, `elapsed ${elapsed}`);
  await r.idle();
}));

test('the per-instance queue is bounded; extra submissions are dropped and counted', () => withTmpDir('ns', async (dir) => {
  const slow = writeScript(dir, 'slow.sh', 'sleep 0.1');
  const dropped: string[] = [];
  const r = new NotifyScriptRunner({ limiter: new Limiter(1, 4), timeoutMs: 2000, stopTimeoutMs: 1000, maxQueuePerKey: 2, onDrop: (k, _j, why) => dropped.push(`${k}:${why}`) });
  r.submit('VI_1', [{ argv: [slow], ids: ROOT_IDS }, { argv: [slow], ids: ROOT_IDS }, { argv: [slow], ids: ROOT_IDS }, { argv: [slow], ids: ROOT_IDS }]);
  // the first job leaves the queue as soon as it starts, so at most 2 wait
  assert.ok(r.dropped >= 1 && r.dropped <= 2, `dropped ${r.dropped}`);
  assert.ok(dropped.every((d) => d === 'VI_1:queueFull'));
  await r.stop();
  r.submit('VI_1', [{ argv: [slow], ids: ROOT_IDS }]);
  assert.equal(dropped.at(-1), 'VI_1:stopped');
}));

test('keepalived never times out notify scripts: a long hook runs to its end; the next one of its instance starts beside it after orderWaitMs', () => withTmpDir('ns', async (dir) => {
  const log = join(dir, 'log');
  const long = writeScript(dir, 'long.sh', `echo long-start >> ${log}; sleep 1.5; echo long-end >> ${log}`);
  const next = writeScript(dir, 'next.sh', `echo next >> ${log}`);
  const results: NotifyJobResult[] = [];
  const r = new NotifyScriptRunner({ limiter: new Limiter(4, 8), timeoutMs: NOTIFY_TIMEOUT_MS, stopTimeoutMs: 1000, orderWaitMs: 300, maxQueuePerKey: 4, onResult: (x) => results.push(x) });
  r.submit('VI_1', [{ argv: [long], ids: ROOT_IDS }, { argv: [next], ids: ROOT_IDS }]);
  await r.idle();
  assert.deepEqual(readLines(log), ['long-start', 'next', 'long-end']);
  assert.deepEqual(results.map((x) => x.outcome), [{ kind: 'exit', code: 0 }, { kind: 'exit', code: 0 }]);
}));

test('the daemon gives notify scripts no timeout (keepalived 2.2.7 measured: a 40 s notify_master ran to its end)', () => {
  assert.equal(NOTIFY_TIMEOUT_MS, null);
});
