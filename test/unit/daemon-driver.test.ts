// The one-timer driver: fires only once the monotonic clock reaches the
// deadline (a timer that wakes early re-arms), reports lateness, and the
// drop log rate-limits per (where, reason) while counting everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Driver } from '../../src/daemon/driver.ts';
import { DropLog } from '../../src/daemon/drop-log.ts';
import { millis, type Millis } from '../../src/base/units.ts';
import type { Logger } from '../../src/observe/logger.ts';
import { Router, type TaggedAction } from '../../src/vrrp/router.ts';
import { advertOf, makeConfig } from '../lib/pair.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('fires at the deadline, never before it by the clock it is given, and re-arms for the next one', async () => {
  let offset = 0; // a clock that runs 30 ms behind real time: the OS timer wakes "early"
  const clock = { now: () => millis(performance.now() - offset) };
  const deadlines: Millis[] = [];
  const fired: number[] = [];
  offset = 30;
  const start = clock.now();
  deadlines.push(millis(start + 20), millis(start + 60));
  const driver = new Driver(clock, {
    nextDeadline: () => deadlines[0] ?? null,
    nextPreciseDeadline: () => null,
    fire: (now) => { fired.push(now); while (deadlines.length && deadlines[0]! <= now) deadlines.shift(); },
    late: () => {},
  });
  driver.rearm();
  // Both deadlines are at most 60 ms away; a loaded machine may wake late, so
  // wait for the fires (up to 2 s), then a little more to see no third one.
  for (let waited = 0; fired.length < 2 && waited < 2000; waited += 10) await sleep(10);
  await sleep(50);
  driver.stop();
  assert.equal(fired.length, 2);
  assert.ok(fired[0]! >= start + 20, `first fire at ${fired[0]! - start} ms`);
  assert.ok(fired[1]! >= start + 60, `second fire at ${fired[1]! - start} ms`);
});

test('a takeover deadline is met by spinning the last stretch: fired once, never before it', async () => {
  const clock = { now: () => millis(performance.now()) };
  const start = clock.now();
  let deadline: Millis | null = millis(start + 7.3);
  const fired: number[] = [];
  const driver = new Driver(clock, {
    nextDeadline: () => deadline,
    nextPreciseDeadline: () => deadline,
    fire: (now) => { fired.push(now); deadline = null; },
    late: () => {},
  });
  driver.rearm();
  await sleep(40);
  driver.stop();
  assert.equal(fired.length, 1);
  assert.ok(fired[0]! >= start + 7.3, `fired ${fired[0]! - start} ms after start`);
});

test('a blocked event loop is reported as lateness', async () => {
  const clock = { now: () => millis(performance.now()) };
  let deadline: Millis | null = millis(clock.now() + 5);
  const late: number[] = [];
  const driver = new Driver(clock, {
    nextDeadline: () => deadline,
    nextPreciseDeadline: () => null,
    fire: () => { deadline = null; },
    late: (ms) => late.push(ms),
  });
  driver.rearm();
  const until = performance.now() + 60;
  while (performance.now() < until) { /* block the loop past the deadline */ }
  await sleep(20);
  driver.stop();
  assert.equal(late.length, 1);
  assert.ok(late[0]! >= 40, `lateness ${late[0]} ms should reflect the 60 ms block`);
});

test('the drop log counts every drop but logs a key at most once per 10 s, with the suppressed count', () => {
  const lines: string[] = [];
  const log = { warn: (_o: unknown, msg: string) => lines.push(msg) } as unknown as Logger;
  let now = 0;
  const drops = new DropLog(log, { now: () => millis(now) });
  for (let i = 0; i < 5; i++) drops.record('VI_1', 'authMismatch', '10.0.0.2', '');
  drops.record('eth0', 'badChecksum', '10.0.0.3', '');
  drops.record('VI_1', 'authMismatch', '10.0.0.2', '');
  now = 10_001;
  drops.record('VI_1', 'authMismatch', '10.0.0.2', '');
  assert.deepEqual(drops.counts(), { 'VI_1|authMismatch': 7, 'eth0|badChecksum': 1 });
  assert.deepEqual(lines, [
    '(VI_1) received an invalid passwd!',
    '(eth0) dropped advert from 10.0.0.3: badChecksum',
    '(VI_1) received an invalid passwd! [5 more since last report]',
  ]);
});

test('drops the core words (per packet, as keepalived) are rate-limited the same way, per (instance, reason), in the core\'s words', () => {
  const lines: string[] = [];
  const push = (level: string) => (_o: unknown, msg: string) => lines.push(`${level} ${msg}`);
  const log = { info: push('info'), warn: push('warn') } as unknown as Logger;
  let now = 0;
  const drops = new DropLog(log, { now: () => millis(now) });
  const words = '(VI_1) wrong version. Received 2 and expect 3';
  for (let i = 0; i < 200; i++) {
    drops.record('VI_1', 'versionMismatch', '10.0.0.2', '', words);
    now += 5; // 200 adverts in 1 s
  }
  drops.record('VI_2', 'versionMismatch', '10.0.0.2', '', '(VI_2) wrong version. Received 2 and expect 3');
  drops.record('VI_1', 'ownAdvert', '10.0.0.1', '', '(VI_1) ignoring our own advert from 10.0.0.1');
  now = 10_000;
  drops.record('VI_1', 'versionMismatch', '10.0.0.2', '', words);
  assert.equal(drops.counts()['VI_1|versionMismatch'], 201, 'every drop counted');
  assert.deepEqual(lines, [
    `info ${words}`,
    'info (VI_2) wrong version. Received 2 and expect 3',
    'info (VI_1) ignoring our own advert from 10.0.0.1',
    `info ${words} [199 more since last report]`,
  ]);
});

test('read first, then decide: on an expired deadline the driver reads the sockets before it fires, and fires with a later clock', async () => {
  let t = 0;
  const clock = { now: () => millis(t) };
  const order: string[] = [];
  let deadline: Millis | null = millis(5);
  const driver = new Driver(clock, {
    nextDeadline: () => deadline,
    nextPreciseDeadline: () => null,
    late: () => order.push('late'),
    read: () => { order.push('read'); t += 1; }, // reading takes a little time
    fire: (now) => { order.push(`fire@${now}`); deadline = null; },
  });
  t = 50; // the loop was blocked past the deadline
  driver.rearm();
  await sleep(20);
  driver.stop();
  assert.deepEqual(order, ['late', 'read', 'fire@51']);
});

test('read first, as one batch: a lower advert leading the queue does not fire the expired takeover before the master\'s behind it (real core)', async () => {
  // A backup (100) stalled past Master_Down; its socket holds a lower advert (50, discarded) and then the master's (150).
  const me = makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' });
  const master = makeConfig({ name: 'M', primaryAddress: '10.0.0.2' });
  const low = makeConfig({ name: 'L', primaryAddress: '10.0.0.3' });
  const router = new Router([me], []);
  let t = 0;
  const clock = { now: () => millis(t) };
  router.start(clock.now());
  t = 1000;
  router.receive('eth0', 4, advertOf(master, 150), '10.0.0.2', clock.now()); // Master_Down at 4609.375
  const acts: TaggedAction[] = [];
  const queue = [advertOf(low, 50), advertOf(master, 150)];
  const src = ['10.0.0.3', '10.0.0.2'];
  const driver = new Driver(clock, {
    nextDeadline: () => router.nextDeadline(),
    nextPreciseDeadline: () => router.nextTakeoverDeadline(),
    late: () => {},
    read: () => { for (let k = 0; k < queue.length; k++) acts.push(...router.receive('eth0', 4, queue[k]!, src[k]!, clock.now())); },
    holdTimers: (read) => router.readBatch(read),
    fire: (now) => { acts.push(...router.timeout(now)); },
  });
  t = 6000; // the loop was blocked past the deadline
  driver.rearm();
  await sleep(20);
  driver.stop();
  assert.deepEqual(acts.filter((a) => a.action.type === 'transition'), [], 'no takeover: the master was there all along');
  assert.equal(router.instance('VI_1')!.state, 'BACKUP');
  assert.equal(router.instance('VI_1')!.deadline('masterDown'), 6000 + 3609.375);
});
