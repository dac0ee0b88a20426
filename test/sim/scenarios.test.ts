// Named scenarios from keepalived practice, each run under the full checker
// (every invariant of the random swarm holds here too) plus its own story.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { vipsFor } from './config.ts';
import type { VrrpVersion } from '../../src/vrrp/advert.ts';
import type { Family } from '../../src/base/ip.ts';

const CHK = 'script:chk_haproxy';
/** Master_Down_Interval in ms, written out from RFC 9568 §6.1 / RFC 3768 §6.1. */
const mdi = (v: VrrpVersion, prio: number, intervalMs = 1000) => 3 * intervalMs + ((256 - prio) * (v === 2 ? 1000 : intervalMs)) / 256;
const skew = (v: VrrpVersion, prio: number, intervalMs = 1000) => ((256 - prio) * (v === 2 ? 1000 : intervalMs)) / 256;
const ONE_DELAY = 2; // CLEAN_PATH: 1 ms per hop, +1 for rounding

const flavours: Array<{ version: VrrpVersion; family: Family }> = [
  { version: 2, family: 4 },
  { version: 3, family: 4 },
  { version: 3, family: 6 },
];

for (const { version, family } of flavours) {
  describe(`HAProxy pair, VRRPv${version} IPv${family}: a failing check with weight -10 hands over (100 → 90 < 95)`, () => {
    const vip = vipsFor(family, 51)[0]!;
    const track = [{ id: CHK, weight: -10, reverse: false }];
    const s = new Scenario([
      { instances: [{ vrid: 51, priority: 100, version, family, trackers: track }] },
      { instances: [{ vrid: 51, priority: 95, version, family, trackers: track }] },
    ]).startAll();
    s.at(20_000, 'chk_haproxy fails on r1', (w) => w.setTracker(0, CHK, false));
    s.at(40_000, 'chk_haproxy recovers on r1', (w) => w.setTracker(0, CHK, true));

    it('elects the higher priority at start-up, after its own Master_Down_Interval', () => {
      s.runUntil(10_000);
      assert.deepEqual(s.masters(51), ['r1']);
      const t = s.becameMasterAt('r1')!;
      assert.ok(Math.abs(t - mdi(version, 100)) <= ONE_DELAY, `r1 became master at ${t}`);
      assert.equal(s.hostSendsTo(vip), 'r1');
    });

    it('the peer preempts within one Master_Down_Interval of the failure, and clients follow', () => {
      s.runUntil(30_000);
      assert.deepEqual(s.masters(51), ['r2']);
      const t = s.becameMasterAt('r2', 20_000)!;
      assert.ok(t > 20_000 && t <= 20_000 + mdi(version, 95) + ONE_DELAY, `r2 took over at ${t}`);
      assert.equal(s.hostSendsTo(vip), 'r2');
      assert.equal(s.transitions({ node: 'r2', to: 'MASTER' })[0]!.reason, 'preempt');
      assert.equal(s.transitions({ node: 'r1', to: 'BACKUP', reason: 'higherPriorityAdvert' }).length, 1);
    });

    it('takes the VIP back when the check recovers (100 > 95, preempt)', () => {
      s.runUntil(60_000);
      assert.deepEqual(s.masters(51), ['r1']);
      const t = s.becameMasterAt('r1', 40_000)!;
      assert.ok(t > 40_000 && t <= 40_000 + mdi(version, 100) + ONE_DELAY, `r1 took back at ${t}`);
      assert.equal(s.hostSendsTo(vip), 'r1');
      assert.equal(s.transitions({ to: 'MASTER' }).length, 3, 'r1, r2, r1: no extra flaps');
    });
  });
}

describe('three routers 150/100/50: a cascade of failures, then the first comes back', () => {
  const s = new Scenario([
    { instances: [{ vrid: 7, priority: 150 }] },
    { instances: [{ vrid: 7, priority: 100, trackers: [{ id: 'script:chk_pg', weight: 0, reverse: false }] }] },
    { instances: [{ vrid: 7, priority: 50 }] },
  ]).startAll(0, 100);
  s.at(20_000, 'power loss on r1', (w) => w.crash(0));
  s.at(40_000, 'r2 check fails (weight 0: FAULT)', (w) => w.setTracker(1, 'script:chk_pg', false));
  s.at(60_000, 'r1 boots again', (w) => w.start(0));

  it('r1 is master first', () => {
    s.runUntil(19_999);
    assert.deepEqual(s.masters(7), ['r1']);
  });
  it('after the crash r2 (next priority) takes over within Master_Down_Interval, not sooner', () => {
    s.runUntil(39_999);
    assert.deepEqual(s.masters(7), ['r2']);
    const t = s.becameMasterAt('r2', 20_000)! - 20_000;
    // r1's last advert left up to one interval before the crash.
    assert.ok(t >= mdi(3, 100) - 1000 && t <= mdi(3, 100) + ONE_DELAY, `r2 took over ${t} ms after the crash`);
    assert.ok(s.checker.counts.takeoverChecks >= 1, 'the takeover was timed by the checker');
  });
  it('r2 faults, releasing at once with priority 0: r3 takes over within Skew_Time', () => {
    s.runUntil(59_999);
    assert.deepEqual(s.masters(7), ['r3']);
    assert.equal(s.world.nodes[1]!.stateOf('VI_7'), 'FAULT');
    const t = s.becameMasterAt('r3', 40_000)! - 40_000;
    assert.ok(t <= skew(3, 50) + ONE_DELAY, `r3 took over ${t} ms after r2's fault`);
  });
  it('r1 returns and preempts; r2 stays in FAULT', () => {
    s.runUntil(80_000);
    assert.deepEqual(s.masters(7), ['r1']);
    assert.equal(s.world.nodes[1]!.stateOf('VI_7'), 'FAULT');
    assert.equal(s.hostSendsTo(vipsFor(4, 7)[0]!), 'r1');
  });
});

describe('nopreempt pair: whoever is master stays master', () => {
  const s = new Scenario([
    { instances: [{ vrid: 9, priority: 150, preempt: false }] },
    { instances: [{ vrid: 9, priority: 100, preempt: false }] },
  ]);
  s.at(0, 'start r2 first', (w) => w.start(1));
  s.at(10_000, 'start r1', (w) => w.start(0));
  s.at(40_000, 'crash r2', (w) => w.crash(1));
  s.at(50_000, 'r2 back', (w) => w.start(1));

  it('a higher-priority nopreempt router joins as BACKUP and stays there', () => {
    s.runUntil(39_999);
    assert.deepEqual(s.masters(9), ['r2']);
    assert.equal(s.transitions({ node: 'r1', to: 'MASTER' }).length, 0);
  });
  it('it takes over only when the master dies, and keeps the role when r2 returns', () => {
    s.runUntil(80_000);
    assert.deepEqual(s.masters(9), ['r1']);
    assert.equal(s.transitions({ node: 'r1', to: 'MASTER' })[0]!.reason, 'masterDown');
  });
});

describe('preempt_delay: a returning higher-priority router waits before preempting', () => {
  const s = new Scenario([
    { instances: [{ vrid: 11, priority: 200, preemptDelayMs: 15_000 }] },
    { instances: [{ vrid: 11, priority: 100 }] },
  ]);
  s.at(0, 'start r2', (w) => w.start(1));
  s.at(10_000, 'start r1', (w) => w.start(0));
  it('r1 does not preempt before the delay has run', () => {
    s.runUntil(10_000 + 15_000);
    assert.deepEqual(s.masters(11), ['r2']);
  });
  it('and preempts within one Master_Down_Interval (+ an interval) after it', () => {
    s.runUntil(60_000);
    assert.deepEqual(s.masters(11), ['r1']);
    const t = s.becameMasterAt('r1')!;
    assert.ok(t > 25_000 && t <= 25_000 + 1000 + mdi(3, 200) + ONE_DELAY, `r1 preempted at ${t}`);
  });
});

describe('equal priorities: two routers that both start as MASTER settle on the higher address', () => {
  const s = new Scenario([
    { instances: [{ vrid: 13, priority: 100, initialState: 'MASTER' }] },
    { instances: [{ vrid: 13, priority: 100, initialState: 'MASTER' }] },
  ]).startAll();
  it('r2 (10.0.0.2) wins the tie', () => {
    s.runUntil(20_000);
    assert.deepEqual(s.masters(13), ['r2']);
  });
});

describe('priority 255: the address owner becomes MASTER at once', () => {
  const s = new Scenario([
    { instances: [{ vrid: 15, priority: 200 }] },
    { instances: [{ vrid: 15, priority: 255, initialState: 'MASTER' }] },
  ]);
  s.at(0, 'start r1', (w) => w.start(0));
  s.at(10_000, 'owner r2 boots', (w) => w.start(1));
  it('owner goes MASTER in its start step, and the old master yields', () => {
    s.runUntil(20_000);
    const ownerUp = s.transitions({ node: 'r2', to: 'MASTER' })[0]!;
    assert.equal(ownerUp.atMs, 10_000);
    assert.equal(ownerUp.reason, 'owner');
    assert.deepEqual(s.masters(15), ['r2']);
    assert.equal(s.hostSendsTo(vipsFor(4, 15)[0]!), 'r2');
  });
});

describe('graceful stop: priority 0 hands over within Skew_Time, not Master_Down_Interval', () => {
  const s = new Scenario([{ instances: [{ vrid: 17, priority: 150 }] }, { instances: [{ vrid: 17, priority: 100 }] }]).startAll();
  s.at(20_000, 'systemctl stop on r1', (w) => w.stop(0));
  it('r2 is master Skew_Time after the stop', () => {
    s.runUntil(30_000);
    const t = s.becameMasterAt('r2', 20_000)! - 20_000;
    assert.ok(t <= skew(3, 100) + ONE_DELAY, `${t} ms`);
    assert.ok(t < mdi(3, 100) / 2);
    assert.equal(s.transitions({ node: 'r2', to: 'MASTER' })[0]!.reason, 'priorityZero');
    assert.equal(s.world.nodes[0]!.kernel.size, 0, 'r1 released its VIPs');
  });
});
