// Named scenarios from keepalived practice, on the in-memory pair harness
// (real instances, lossless LAN with 1 ms delay, time stepped to each deadline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pair, advertOf, makeConfig } from '../lib/pair.ts';
import { masterDownIntervalMs, skewTimeMs } from '../../src/vrrp/election.ts';
import { millis } from '../../src/base/units.ts';

const chk = [{ id: 'script:chk_haproxy', weight: -10, reverse: false }];

test('HAProxy pair, weight -10: a failing check takes 100 -> 90 < 95 and the peer preempts', () => {
  const p = new Pair([
    makeConfig({ name: 'lb1', primaryAddress: '10.0.0.1', priority: 100, trackers: chk }),
    makeConfig({ name: 'lb2', primaryAddress: '10.0.0.2', priority: 95, trackers: chk }),
  ]);
  p.start();
  p.runUntil(10_000);
  assert.deepEqual(p.masters(), ['lb1']);
  assert.equal(p.transitions().length, 3, 'two startups and one election, no flapping');

  p.tracker('lb1', 'script:chk_haproxy', false); // t = 10 s
  assert.equal(p.inst('lb1').effectivePriority, 90);
  p.runUntil(20_000);
  assert.deepEqual(p.masters(), ['lb2']);
  const took = p.enteredAt('lb2', 'MASTER', 10_000)!;
  // lb2 discards lb1's priority-90 adverts and takes over when Master_Down runs out
  // (counted from lb1's last priority-100 advert, at most one interval before the failure).
  assert.ok(took > 10_000 && took <= 10_000 + 3000 + 1000 + skewTimeMs(2, 95, millis(1000)) + 1, `took over at ${took}`);
  assert.equal(p.transitions().find((t) => t.node === 'lb2' && t.to === 'MASTER')!.reason, 'preempt');
  assert.equal(p.state('lb1'), 'BACKUP');

  p.tracker('lb1', 'script:chk_haproxy', true); // back to 100 > 95: lb1 preempts back
  p.runUntil(30_000);
  assert.deepEqual(p.masters(), ['lb1']);
});

test('three nodes 150/100/50: a cascade of crashes hands the VIP down in priority order', () => {
  const p = new Pair([
    makeConfig({ name: 'n150', primaryAddress: '10.0.0.1', priority: 150 }),
    makeConfig({ name: 'n100', primaryAddress: '10.0.0.2', priority: 100 }),
    makeConfig({ name: 'n50', primaryAddress: '10.0.0.3', priority: 50 }),
  ]);
  p.start();
  p.runUntil(10_000);
  assert.deepEqual(p.masters(), ['n150']);

  p.crash('n150');
  p.runUntil(20_000);
  assert.deepEqual(p.masters(), ['n100']);
  const t100 = p.enteredAt('n100', 'MASTER', 10_000)!;
  // the lower backup never took over in between
  assert.equal(p.enteredAt('n50', 'MASTER', 0), null);
  assert.ok(t100 <= 10_000 + masterDownIntervalMs(2, 100, millis(1000), 3) + 1);

  p.crash('n100');
  p.runUntil(30_000);
  assert.deepEqual(p.masters(), ['n50']);
});

test('graceful stop: the master sends priority 0 and the backup takes over after Skew_Time, not Master_Down', () => {
  const p = new Pair([
    makeConfig({ name: 'a', primaryAddress: '10.0.0.1', priority: 200 }),
    makeConfig({ name: 'b', primaryAddress: '10.0.0.2', priority: 100 }),
  ]);
  p.start();
  p.runUntil(10_000);
  p.shutdown('a');
  assert.equal(p.state('a'), 'STOP');
  p.runUntil(15_000);
  const took = p.enteredAt('b', 'MASTER')!;
  assert.equal(took, 10_000 + p.delayMs + skewTimeMs(2, 100, millis(1000)));
  assert.equal(p.transitions().find((t) => t.node === 'b' && t.to === 'MASTER')!.reason, 'priorityZero');
});

test('nopreempt pair: a returning higher-priority node stays BACKUP', () => {
  const p = new Pair([
    makeConfig({ name: 'hi', primaryAddress: '10.0.0.1', priority: 150, preempt: false }),
    makeConfig({ name: 'lo', primaryAddress: '10.0.0.2', priority: 100, preempt: false }),
  ]);
  p.start('lo');
  p.runUntil(10_000);
  assert.deepEqual(p.masters(), ['lo']);
  p.start('hi');
  p.runUntil(60_000);
  assert.deepEqual(p.masters(), ['lo']);
  assert.equal(p.state('hi'), 'BACKUP');
});

test('preempt_delay: a returning higher-priority node waits preempt_delay, then takes over', () => {
  const p = new Pair([
    makeConfig({ name: 'hi', primaryAddress: '10.0.0.1', priority: 150, preemptDelayMs: millis(20_000) }),
    makeConfig({ name: 'lo', primaryAddress: '10.0.0.2', priority: 100 }),
  ]);
  p.start('lo');
  p.runUntil(10_000);
  p.start('hi');
  p.runUntil(29_000);
  assert.deepEqual(p.masters(), ['lo'], 'still inside the delay');
  p.runUntil(40_000);
  assert.deepEqual(p.masters(), ['hi']);
  const took = p.enteredAt('hi', 'MASTER')!;
  assert.ok(took >= 30_000 && took <= 30_000 + 3609.375 + 1000, `took over at ${took}`);
});

test('equal priorities started together: the higher primary address ends as the only MASTER', () => {
  const p = new Pair([
    makeConfig({ name: 'a', primaryAddress: '10.0.0.1', priority: 100 }),
    makeConfig({ name: 'b', primaryAddress: '10.0.0.2', priority: 100 }),
  ]);
  p.start();
  p.runUntil(20_000);
  assert.deepEqual(p.masters(), ['b']);
});

test('priority-255 owner is MASTER at once and a running lower master yields to it', () => {
  const p = new Pair([
    makeConfig({ name: 'owner', primaryAddress: '10.0.0.1', priority: 255, initialState: 'MASTER' }),
    makeConfig({ name: 'other', primaryAddress: '10.0.0.2', priority: 200 }),
  ]);
  p.start('other');
  p.runUntil(10_000);
  assert.deepEqual(p.masters(), ['other']);
  p.start('owner');
  assert.equal(p.state('owner'), 'MASTER');
  p.runFor(10);
  assert.deepEqual(p.masters(), ['owner']);
  assert.equal(p.enteredAt('owner', 'MASTER'), 10_000);
});

test('dual master after a partition heals: the lower one yields, the winner re-announces', () => {
  const p = new Pair([
    makeConfig({ name: 'a', primaryAddress: '10.0.0.1', priority: 150 }),
    makeConfig({ name: 'b', primaryAddress: '10.0.0.2', priority: 100 }),
  ]);
  p.start();
  p.runUntil(10_000);
  // b stops hearing a for a while (a is "crashed" only from b's point of view: restart it as-is)
  p.crash('a');
  p.runUntil(15_000);
  assert.deepEqual(p.masters(), ['b']);
  // heal: a never left MASTER in its own eyes (a frozen process, say); b's advert reaches it first
  p.node('a').up = true;
  p.node('a').vips = true;
  p.deliver('a', advertOf(p.inst('b').config, 100), '10.0.0.2');
  p.runUntil(20_000);
  assert.deepEqual(p.masters(), ['a']);
  assert.ok(p.actions('a', 'announce').some((t) => t.action.type === 'announce' && t.action.reason === 'lowerPriority'));
});
