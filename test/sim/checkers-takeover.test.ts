// The timed-takeover check must fail on a takeover that comes too LATE: after
// a crash, later than Master_Down_Interval + the worst one-way delay after the
// master's last advert; after a graceful stop, later than Skew_Time + that
// delay after the priority-0 advert. Each broken case runs the production core
// behind a deliberate flaw (broken-cores.ts) that no other invariant sees, and
// each has a control: the same world with the unbroken core reports nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { SimFailure } from './world.ts';
import type { PathParams } from './lan.ts';
import { breakNode, DeafToPriorityZeroRouter, masterDownOver, WakesLateRouter } from './broken-cores.ts';
import type { SimNode } from './node.ts';

/** Some delay and jitter (worst one-way 1 + 8×3 + 4 = 29 ms), so the bound's delay term matters. */
const PATH: PathParams = { lossP: 0, delayMinMs: 1, delayMeanMs: 3, jitterMs: 4, dupP: 0, reorderP: 0, reorderExtraMs: 0, corruptP: 0 };
const LEAVE_MS = 20_000; // long after convergence (settle at ~5 s)
const END_MS = 30_000;

/** VRID 5, one router per priority; r1 (the highest) leaves at LEAVE_MS. `broken` may swap r2's core. */
function world(priorities: readonly number[], leave: 'crash' | 'stop', broken?: (n: SimNode) => void): Scenario {
  const s = new Scenario(priorities.map((p) => ({ instances: [{ vrid: 5, priority: p }] })), { path: PATH, seed: 7 });
  if (broken) broken(s.world.nodes[1]!);
  s.startAll();
  s.at(LEAVE_MS, `${leave} r1`, (w) => (leave === 'crash' ? w.crash(0) : w.stop(0)));
  return s;
}

function failure(s: Scenario): string {
  try {
    s.runUntil(END_MS);
  } catch (e) {
    if (e instanceof SimFailure) return e.message;
    throw e;
  }
  return assert.fail('the checker reported nothing');
}

const LATE = /r\d after 'timer': VI_5 took over at \d+ms \(\w+\), later than bound:/;

describe('late takeover after a crash', () => {
  it('control: the unbroken core takes over in time and the check ran', () => {
    const s = world([150, 100], 'crash').runUntil(END_MS);
    assert.deepEqual(s.masters(5), ['r2']);
    assert.equal(s.checker.counts.takeoverChecks, 1);
  });

  it('a timer driver that wakes 100 ms late', () => {
    const s = world([150, 100], 'crash', (n) => breakNode(n, (c, g) => new WakesLateRouter(c, g, 100)));
    const msg = failure(s);
    assert.match(msg, LATE);
    assert.match(msg, /r2 after 'timer'.*last advert at \d+ms \+ Master_Down_Interval 3609\.4ms/);
  });

  it('a core that counts Master_Down_Interval over 4 adverts, not 3', () => {
    // Now caught before any takeover: the BACKUP timer check reads the
    // configuration as written (down_timer_adverts 3), not the core's copy.
    const s = world([150, 100], 'crash', (n) => breakNode(n, masterDownOver(4)));
    assert.match(failure(s), /^r2 after 'start': VI_5: master-down at 4609\.375ms, beyond Master_Down_Interval 3609\.4ms/);
  });

  it('control, three routers: r2 (the best backup) takes over in time', () => {
    const s = world([150, 100, 50], 'crash').runUntil(END_MS);
    assert.deepEqual(s.masters(5), ['r2']);
    assert.equal(s.checker.counts.takeoverChecks, 1);
    assert.equal(s.checker.counts.rivalChecks, 1, 'r2 was also held to r3\'s deadline');
  });

  it('three routers: the best backup is 300 ms late, so the worst one takes over first (on its own time)', () => {
    // r3's own Master_Down_Interval is 195 ms longer than r2's: its takeover is
    // in time for r3 but not for the election; r2 would preempt it later.
    const s = world([150, 100, 50], 'crash', (n) => breakNode(n, (c, g) => new WakesLateRouter(c, g, 300)));
    assert.match(failure(s), /r3 after 'timer': VI_5 took over at \d+ms \(\w+\), later than r2 must have: .*Master_Down_Interval 3609\.4ms/);
  });
});

describe('late takeover after a graceful stop', () => {
  it('control: the unbroken core takes over within Skew_Time and the check ran', () => {
    const s = world([150, 100], 'stop').runUntil(END_MS);
    assert.deepEqual(s.masters(5), ['r2']);
    assert.equal(s.checker.counts.takeoverChecks, 1);
    const upMs = s.becameMasterAt('r2', LEAVE_MS)!;
    assert.ok(upMs - LEAVE_MS < 700, `took ${upMs - LEAVE_MS} ms`);
  });

  it('a core that ignores priority 0 and waits the full Master_Down_Interval', () => {
    const s = world([150, 100], 'stop', (n) => breakNode(n, (c, g) => new DeafToPriorityZeroRouter(c, g)));
    assert.match(failure(s), /r2 after 'timer': VI_5 took over at \d+ms \(\w+\), later than bound: VI_5: priority 0 at 20000ms \+ Skew_Time 609\.4ms/);
  });

  it('a timer driver that wakes 100 ms late', () => {
    const s = world([150, 100], 'stop', (n) => breakNode(n, (c, g) => new WakesLateRouter(c, g, 100)));
    assert.match(failure(s), /later than bound: VI_5: priority 0 at 20000ms/);
  });

  it('control, three routers: r2 takes over within its Skew_Time', () => {
    const s = world([150, 100, 50], 'stop').runUntil(END_MS);
    assert.deepEqual(s.masters(5), ['r2']);
    assert.deepEqual([s.checker.counts.takeoverChecks, s.checker.counts.rivalChecks], [1, 1]);
  });

  it('three routers: the best backup ignores priority 0, so the worst one takes over first', () => {
    const s = world([150, 100, 50], 'stop', (n) => breakNode(n, (c, g) => new DeafToPriorityZeroRouter(c, g)));
    assert.match(failure(s), /r3 after 'timer': VI_5 took over at \d+ms \(\w+\), later than r2 must have: .*priority 0 at 20000ms \+ Skew_Time 609\.4ms/);
  });
});
