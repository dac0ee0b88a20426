// Mutation tests for the checks that derive what to expect from what the
// world delivered, not from the core under test. Each runs a deliberately
// broken core (broken-cores.ts) that the checker as it was before could not
// see (it asked the core what interval it had learned, exempted any owner at
// 254, timed takeovers with the LAN's worst delay ± 12 ms, and ran a stalled
// node's timers before its queued adverts), and each has a control on the
// unbroken core.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { SimFailure } from './world.ts';
import { CLEAN_PATH } from './lan.ts';
import type { SimNode } from './node.ts';
import { breakNode, misreadsInterval, ownerAt254, TimersFirstRouter, UnheldBatchRouter, WakesLateRouter } from './broken-cores.ts';

function failure(s: Scenario, endMs: number): string {
  try {
    s.runUntil(endMs);
  } catch (e) {
    if (e instanceof SimFailure) return e.message;
    throw e;
  }
  return assert.fail('the checker reported nothing');
}

/** VRID 5, v3 at 1 s: r1 (150) and r2 (100); r1 crashes at crashMs; `broken` may swap r2's core. */
function pair(crashMs: number, broken?: (n: SimNode) => void): Scenario {
  const s = new Scenario([{ instances: [{ vrid: 5, priority: 150 }] }, { instances: [{ vrid: 5, priority: 100 }] }]);
  if (broken) broken(s.world.nodes[1]!);
  return s.startAll().at(crashMs, 'crash r1', (w) => w.crash(0));
}

describe('Master_Adver_Interval comes from the adverts delivered, not from the core', () => {
  // r1 is MASTER from 3.41 s and crashes at 4.5 s, before the first settle point (~5.1 s), so the
  // timed-takeover check is not armed: only the early-takeover check can see a takeover too soon.
  it('control: the unbroken core takes over Master_Down_Interval (3609.4 ms at 100) after the last advert', () => {
    const s = pair(4500).runUntil(12_000);
    assert.deepEqual(s.masters(5), ['r2']);
    assert.equal(s.checker.early.checked, 2, 'r1 at start-up, r2 after the crash');
    assert.equal(s.checker.counts.takeoverChecks, 0);
  });

  it('early-takeover check: a core that reads Max Adver Int as half takes over after 1804.7 ms', () => {
    const msg = failure(pair(4500, (n) => breakNode(n, misreadsInterval(0.5))), 12_000);
    assert.match(msg, /^r2 after 'timer': VI_5: BACKUP→MASTER \(masterDown\) at local \d+, sooner than Master_Down_Interval at interval 1000 after the master's advert \(priority 150\)/);
  });

  it('BACKUP timer check: a core that reads it as double arms Master_Down 7.2 s out', () => {
    // No crash needed: the first advert r2 accepts arms the wrong deadline.
    const msg = failure(pair(60_000, (n) => breakNode(n, misreadsInterval(2))), 10_000);
    assert.match(msg, /^r2 after 'rx': VI_5: master-down at 7218\.75ms, beyond Master_Down_Interval 3609\.4ms \(interval 1000/);
  });
});

describe('only a real address owner runs at 255, and drops to 254 only after hearing another owner', () => {
  const owner = (broken: boolean): Scenario => {
    // The owner starts as `state BACKUP`, so the "owner is MASTER at once" check does not apply.
    const s = new Scenario([{ instances: [{ vrid: 7, priority: 255, initialState: 'BACKUP' }] }, { instances: [{ vrid: 7, priority: 100 }] }]);
    if (broken) breakNode(s.world.nodes[0]!, ownerAt254);
    return s.startAll();
  };

  it('control: the unbroken owner is MASTER at 255', () => {
    const s = owner(false).runUntil(20_000);
    assert.deepEqual(s.masters(7), ['r1']);
  });

  it('a core that runs the owner at 254 is caught at its first step (it still wins the election)', () => {
    assert.match(failure(owner(true), 20_000), /^r1 after 'start': VI_7: effective priority 254, expected 255 \(address owner; no other owner heard while MASTER\)/);
  });

  it('control: two owners, each drops to 254 once it hears the other (keepalived\'s CONFIGURATION ERROR)', () => {
    const s = new Scenario([
      { instances: [{ vrid: 7, priority: 255, initialState: 'MASTER' }] },
      { instances: [{ vrid: 7, priority: 255, initialState: 'MASTER' }] },
    ]).startAll(0, 2000).runUntil(30_000);
    assert.equal(s.masters(7).length, 1);
    assert.ok(s.world.nodes.some((n) => n.demotedOwners.has('VI_7')), 'the checker saw the conflict');
  });
});

describe('read first: adverts that queued during a stall count from when they arrived', () => {
  // r2 (backup) is stalled 6 s (> Master_Down_Interval) while r1 keeps advertising into its socket.
  const stalled = (broken: boolean): Scenario => {
    const s = new Scenario([{ instances: [{ vrid: 5, priority: 150 }] }, { instances: [{ vrid: 5, priority: 100 }] }]);
    if (broken) breakNode(s.world.nodes[1]!, (c, g) => new TimersFirstRouter(c, g));
    return s.startAll().at(10_000, 'stall r2', (w) => w.stall(1, 6000));
  };

  it('control: the unbroken core reads the queue first and stays BACKUP; the stall end counts as judged by the read-first rule', () => {
    const s = stalled(false).runUntil(20_000);
    assert.deepEqual(s.masters(5), ['r1']);
    assert.equal(s.checker.early.readFirstJudged, 1, 'r2\'s deadline from before the stall had expired, with r1\'s adverts queued');
  });

  it('a core that acts on its expired timers before the advert it is handed takes over on a stale deadline', () => {
    const msg = failure(stalled(true), 20_000);
    assert.match(msg, /^r2 after 'rx': VI_5: BACKUP→MASTER \(masterDown\) at local \d+, sooner than Master_Down_Interval at interval 1000 after the master's advert \(priority 150\) that reached the socket at \d+ = [\d.]+ \(\d+ advert\(s\) that reached the socket before then were not read first\)/);
  });
});

describe('read first for the whole queue: a lower advert leading it does not decide', () => {
  // r3 (50) cannot hear r1 (150), so it advertises too; r2 (100) discards r3's adverts.
  // r2 stalls just after one of r1's adverts: r3's is first in its queue, r1's behind it.
  const led = (broken: boolean): Scenario => {
    const s = new Scenario([150, 100, 50].map((p) => ({ instances: [{ vrid: 5, priority: p }] })));
    s.world.block(0, 2);
    if (broken) breakNode(s.world.nodes[1]!, (c, g) => new UnheldBatchRouter(c, g));
    return s.startAll().at(10_500, 'stall r2', (w) => w.stall(1, 6000));
  };

  it('control: the unbroken core reads the whole queue with its timers held and stays BACKUP', () => {
    const s = led(false).runUntil(20_000);
    assert.deepEqual(s.transitions({ node: 'r2', to: 'MASTER' }), []);
    assert.equal(s.checker.early.readFirstJudged, 1);
  });

  it('a core that does not hold its timers over the batch takes over on the lower advert, before the master\'s are read', () => {
    const msg = failure(led(true), 20_000);
    assert.match(msg, /^r2 after 'rx': VI_5: BACKUP→MASTER \(preempt\) at local \d+, sooner than .* \(\d+ advert\(s\) that reached the socket before then were not read first\)/);
  });
});

describe('timed takeover: the window uses the path from the leaving master to the taker', () => {
  // r1→r2 is a 1 ms path; everything else takes 40 ms, so the LAN's worst delay is 40 ms.
  const three = (lateMs: number | null): Scenario => {
    const s = new Scenario([150, 100, 50].map((p) => ({ instances: [{ vrid: 5, priority: p }] })));
    const slow = { ...CLEAN_PATH, delayMinMs: 40 };
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a !== b && !(a === 0 && b === 1)) s.world.lan.setPath(a, b, slow);
    if (lateMs !== null) breakNode(s.world.nodes[1]!, (c, g) => new WakesLateRouter(c, g, lateMs));
    return s.startAll().at(20_000, 'crash r1', (w) => w.crash(0));
  };

  it('control: r2 takes over in its window', () => {
    const s = three(null).runUntil(30_000);
    assert.deepEqual(s.masters(5), ['r2']);
    assert.equal(s.checker.counts.takeoverChecks, 1);
  });

  it('a driver that wakes 30 ms late (inside the LAN-wide 40 ms + 12 ms the old window allowed)', () => {
    assert.match(failure(three(30), 30_000), /^r2 after 'timer': VI_5 took over at \d+ms \(masterDown\), later than bound: .*path r1→r2 1\.\.1ms/);
  });
});
