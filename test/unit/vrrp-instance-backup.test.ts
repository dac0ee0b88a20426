import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import type { Millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import { Router } from '../../src/vrrp/router.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import { advertOf, makeConfig, ofType } from '../lib/pair.ts';

const peer = makeConfig({ name: 'PEER', primaryAddress: '10.0.0.2' });
const PEER = '10.0.0.2';

function backup(over: Partial<InstanceConfig> = {}, now: Millis = millis(0)): Instance {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', ...over }));
  i.handle({ type: 'start' }, now);
  assert.equal(i.state, 'BACKUP');
  return i;
}

test('an advert from a better master restarts Master_Down_Interval from now', () => {
  const i = backup();
  i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(2000));
  assert.equal(i.deadline('masterDown'), 2000 + 3609.375);
  assert.equal(i.stats.advertisementsReceived, 1);
});

test('equal priority is accepted by a BACKUP even from a lower address (no preemption on a tie)', () => {
  const i = backup({ primaryAddress: '10.0.0.9' });
  i.handle({ type: 'advert', advert: advertOf(peer, 100), src: PEER }, millis(2000));
  assert.equal(i.deadline('masterDown'), 2000 + 3609.375);
});

test('priority 0 from the master: take over after Skew_Time, reason priorityZero', () => {
  const i = backup();
  i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(1000));
  i.handle({ type: 'advert', advert: advertOf(peer, 0), src: PEER }, millis(1500));
  assert.equal(i.deadline('masterDown'), 1500 + 609.375);
  assert.equal(i.stats.priorityZeroReceived, 1);
  const out = i.handle({ type: 'timeout' }, millis(1500 + 610));
  assert.equal(ofType(out, 'transition')[0]!.reason, 'priorityZero');
  assert.equal(i.state, 'MASTER');
});

test('v3: a BACKUP learns Master_Adver_Interval from the master and uses it for Master_Down and Skew', () => {
  const i = backup({ version: 3 });
  i.handle({ type: 'advert', advert: advertOf({ ...peer, version: 3 }, 150, { advertIntervalCs: 50 as never }), src: PEER }, millis(0));
  assert.equal(i.masterAdverIntervalMs, 500);
  assert.equal(i.deadline('masterDown'), 3 * 500 + (156 * 500) / 256);
  // back to its own interval once it is MASTER
  i.handle({ type: 'timeout' }, millis(2000));
  assert.equal(i.state, 'MASTER');
  assert.equal(i.masterAdverIntervalMs, 1000);
  assert.equal(i.deadline('advert'), 3000);
});

test('preempt: a lower-priority advert is discarded (timer not reset) and Master_Down expiry is a preempt', () => {
  const i = backup();
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(1000));
  assert.deepEqual(ofType(out, 'log').map((l) => l.msg), ['(VI_1) received lower priority (90) advert from 10.0.0.2 - discarding']);
  assert.equal(i.deadline('masterDown'), 3609.375);
  const fired = i.handle({ type: 'timeout' }, millis(3610));
  assert.equal(ofType(fired, 'transition')[0]!.reason, 'preempt');
});

test('nopreempt: a lower-priority master is accepted and keeps resetting Master_Down', () => {
  const i = backup({ preempt: false });
  i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(1000));
  assert.equal(i.deadline('masterDown'), 1000 + 3609.375);
  i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(2000));
  assert.equal(i.deadline('masterDown'), 2000 + 3609.375);
  assert.equal(i.state, 'BACKUP');
});

test('preempt_delay: lower adverts are accepted until preemptDelayMs after the first one, then discarded', () => {
  const i = backup({ preemptDelayMs: millis(10_000) });
  i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(1000));
  assert.equal(i.deadline('preemptDelay'), 11_000);
  for (let t = 2000; t <= 10_000; t += 1000) i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(t));
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.deadline('masterDown'), 10_000 + 3609.375);
  i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(11_000)); // delay over: discarded
  assert.equal(i.deadline('preemptDelay'), null);
  assert.equal(i.deadline('masterDown'), 10_000 + 3609.375);
  i.handle({ type: 'timeout' }, millis(13_610));
  assert.equal(i.state, 'MASTER');
});

test('preempt_delay stops when a better advert arrives, and restarts at the next lower one', () => {
  const i = backup({ preemptDelayMs: millis(10_000) });
  i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(1000));
  i.handle({ type: 'advert', advert: advertOf(peer, 120), src: PEER }, millis(2000));
  assert.equal(i.deadline('preemptDelay'), null);
  i.handle({ type: 'advert', advert: advertOf(peer, 90), src: PEER }, millis(3000));
  assert.equal(i.deadline('preemptDelay'), 13_000);
});

test('a priority drop while BACKUP shifts the running Master_Down by the change in skew', () => {
  const i = backup({ trackers: [{ id: 'chk', weight: -10, reverse: false }] });
  i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(1000));
  const out = i.handle({ type: 'tracker', id: 'chk', up: false }, millis(1500));
  assert.deepEqual(ofType(out, 'log').map((l) => l.msg), ['(VI_1) Changing effective priority from 100 to 90']);
  assert.equal(i.effectivePriority, 90);
  assert.equal(i.deadline('masterDown'), 1000 + 3000 + (166 * 1000) / 256);
});

// ---- RFC 9568 §6.1: Master_Adver_Interval is the interval in adverts from the Master (bug 5) ----

test('an accepted advert from a router that is not the master pushes Master_Down later, never earlier, and teaches no interval', () => {
  const i = backup({ version: 3, priority: 50, advertIntervalMs: millis(500) });
  const slow = makeConfig({ name: 'R1', primaryAddress: '10.0.0.3', version: 3, advertIntervalMs: millis(2000) });
  const fast = makeConfig({ name: 'R2', primaryAddress: '10.0.0.2', version: 3, advertIntervalMs: millis(500) });
  i.handle({ type: 'advert', advert: advertOf(slow, 200), src: '10.0.0.3' }, millis(1000)); // the master
  const mdi = 3 * 2000 + ((256 - 50) * 2000) / 256;
  assert.equal(i.masterAdverIntervalMs, 2000);
  assert.equal(i.deadline('masterDown'), 1000 + mdi);
  // A lower router (100 >= our 50, so accepted) stepping down: its 500 ms must not be learned.
  i.handle({ type: 'advert', advert: advertOf(fast, 100), src: '10.0.0.2' }, millis(1100));
  assert.equal(i.masterAdverIntervalMs, 2000, 'interval learned only from the master');
  assert.equal(i.deadline('masterDown'), 1100 + mdi, 'pushed later (with the master\'s interval)');
  // Before the fix: 1100 + 3 * 500 + skew, and a takeover 4.5 s before the master's next advert was due.
  i.handle({ type: 'timeout' }, millis(1100 + mdi - 1));
  assert.equal(i.state, 'BACKUP');
});

test('an advert that beats the recorded master makes its sender the master (interval learned, timer reset)', () => {
  const i = backup({ version: 3, priority: 50, advertIntervalMs: millis(500) });
  const a = makeConfig({ name: 'A', primaryAddress: '10.0.0.2', version: 3, advertIntervalMs: millis(2000) });
  const b = makeConfig({ name: 'B', primaryAddress: '10.0.0.3', version: 3, advertIntervalMs: millis(1000) });
  i.handle({ type: 'advert', advert: advertOf(a, 100), src: '10.0.0.2' }, millis(1000));
  i.handle({ type: 'advert', advert: advertOf(b, 150), src: '10.0.0.3' }, millis(1100));
  assert.equal(i.masterAdverIntervalMs, 1000);
  assert.equal(i.deadline('masterDown'), 1100 + 3 * 1000 + ((256 - 50) * 1000) / 256);
});

test('once the recorded master has been silent for its Master_Down_Interval, the router still advertising is the master', () => {
  const i = backup({ version: 3, priority: 50, advertIntervalMs: millis(500) });
  const a = makeConfig({ name: 'A', primaryAddress: '10.0.0.3', version: 3, advertIntervalMs: millis(1000) });
  const b = makeConfig({ name: 'B', primaryAddress: '10.0.0.2', version: 3, advertIntervalMs: millis(2000) });
  i.handle({ type: 'advert', advert: advertOf(a, 200), src: '10.0.0.3' }, millis(0));
  const mdiA = 3 * 1000 + ((256 - 50) * 1000) / 256; // 3804.6875
  // B (lower than A) keeps pushing our deadline; A is silent.
  for (let t = 1000; t < mdiA; t += 1000) i.handle({ type: 'advert', advert: advertOf(b, 100), src: '10.0.0.2' }, millis(t));
  assert.equal(i.masterAdverIntervalMs, 1000);
  i.handle({ type: 'advert', advert: advertOf(b, 100), src: '10.0.0.2' }, millis(4000)); // A's window is over
  assert.equal(i.masterAdverIntervalMs, 2000, 'B is the master now');
  assert.equal(i.deadline('masterDown'), 4000 + 3 * 2000 + ((256 - 50) * 2000) / 256);
  assert.equal(i.state, 'BACKUP');
});

test('priority 0 from a router that is not the master does not bring the takeover forward; from the master it does', () => {
  const i = backup({ priority: 50 });
  const other = makeConfig({ name: 'B', primaryAddress: '10.0.0.3' });
  i.handle({ type: 'advert', advert: advertOf(peer, 200), src: PEER }, millis(1000));
  const md = i.deadline('masterDown');
  i.handle({ type: 'advert', advert: advertOf(other, 0), src: '10.0.0.3' }, millis(1500));
  assert.equal(i.deadline('masterDown'), md);
  assert.equal(i.stats.priorityZeroReceived, 1);
  i.handle({ type: 'advert', advert: advertOf(peer, 0), src: PEER }, millis(1600));
  assert.equal(i.deadline('masterDown'), 1600 + ((256 - 50) * 1000) / 256);
});

// ---- read first, then decide (bug 3): an input is applied before the timers it finds expired ----

test('an advert handled after Master_Down has expired (an event-loop stall) is read before the timer fires', () => {
  const i = backup();
  i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(1000));
  const deadline = i.deadline('masterDown')!; // 4609.375
  // The process was stopped from 1500 to 6000 ms; the master's adverts queued meanwhile.
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(6000));
  assert.ok(6000 > deadline);
  assert.deepEqual(ofType(out, 'transition'), [], 'no takeover: the master was there all along');
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.deadline('masterDown'), 6000 + 3609.375);
  assert.equal(i.stats.masterTransitions, 0);
});

test('an expired Master_Down still fires on a timeout, and on any input that does not reset it', () => {
  const i = backup();
  i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(1000));
  // A tracker event for a tracker we do not have changes nothing: the expired timer then fires.
  const out = i.handle({ type: 'tracker', id: 'script:none', up: true }, millis(6000));
  assert.deepEqual(ofType(out, 'transition').map((t) => t.to), ['MASTER']);
  assert.deepEqual(ofType(i.handle({ type: 'timeout' }, millis(6001)), 'transition'), []);
});

test('an expired preempt_delay counts at the read: a lower advert read after it is discarded', () => {
  // keepalived compares preempt_time with the time of the read.
  const i = backup({ priority: 150, preemptDelayMs: millis(2000) });
  i.handle({ type: 'advert', advert: advertOf(peer, 100), src: PEER }, millis(1000)); // starts the delay (to 3000)
  const md = i.deadline('masterDown')!;
  i.handle({ type: 'advert', advert: advertOf(peer, 100), src: PEER }, millis(3500));
  assert.equal(i.deadline('masterDown'), md, 'discarded: Master_Down is not reset');
});

// ---- read first, for a batch (bug 3's residual): the queue after a stall may be led by a lower advert ----

test('a batch read with the timers held: a lower advert leading the queue does not fire the expired Master_Down', () => {
  const r = new Router([makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' })], []);
  r.start(millis(0));
  r.receive('eth0', 4, advertOf(peer, 150), PEER, millis(1000)); // Master_Down at 4609.375
  // Stalled from 1500 to 6000 ms: a third router's lower advert (discarded) queued first, the master's behind it.
  const low = makeConfig({ name: 'LOW', primaryAddress: '10.0.0.3' });
  const read = r.readBatch(() => [
    ...r.receive('eth0', 4, advertOf(low, 50), '10.0.0.3', millis(6000)),
    ...r.receive('eth0', 4, advertOf(peer, 150), PEER, millis(6000)),
  ]);
  assert.deepEqual(read.filter((t) => t.action.type === 'transition'), [], 'no takeover while the batch is read');
  assert.deepEqual(r.timeout(millis(6001)).filter((t) => t.action.type === 'transition'), [], 'nor after it: the master was there all along');
  assert.equal(r.instance('VI_1')!.state, 'BACKUP');
  assert.equal(r.instance('VI_1')!.deadline('masterDown'), 6000 + 3609.375);
});

test('timers held over a batch are not lost: the timeout after it fires them, and a timeout inside it still fires', () => {
  const low = makeConfig({ name: 'LOW', primaryAddress: '10.0.0.3' });
  const r = new Router([makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' })], []);
  r.start(millis(0));
  r.receive('eth0', 4, advertOf(peer, 150), PEER, millis(1000));
  assert.deepEqual(r.readBatch(() => r.receive('eth0', 4, advertOf(low, 50), '10.0.0.3', millis(6000))).filter((t) => t.action.type === 'transition'), []);
  assert.deepEqual(r.timeout(millis(6000)).filter((t) => t.action.type === 'transition').map((t) => t.action.type === 'transition' && t.action.to), ['MASTER']);
  const r2 = new Router([makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' })], []);
  r2.start(millis(0));
  const inside = r2.readBatch(() => r2.timeout(millis(5000)));
  assert.deepEqual(inside.filter((t) => t.action.type === 'transition').map((t) => t.action.type === 'transition' && t.action.to), ['MASTER']);
});
