// A stall whose end falls on the very millisecond of a settle check (seed
// 101205 at 30 faults): the check used to run first and, reading
// `stalledUntilMs > now`, count the still-blocked master as awake, MASTER
// next to the backup that had legitimately taken over: "2 masters". A node is
// now stalled until its stall end has been processed, so that settle check is
// skipped and the stall end (itself a fault) schedules the next one. These
// tests show the false alarm is gone and that a real double master across the
// same stall is still reported, at the stall end's own settle point.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { SimFailure } from './world.ts';
import { breakNode, MuteRouter } from './broken-cores.ts';
import { runSeed } from './run.ts';

const STALL_AT_MS = 20_000; // long after convergence (settle at ~5 s)

/** r1 (150) is master; r2 (100, nopreempt) takes over while r1 is stalled for exactly B. */
function world(muteAfterStall: boolean): { s: Scenario; boundMs: number } {
  const s = new Scenario([{ instances: [{ vrid: 5, priority: 150 }] }, { instances: [{ vrid: 5, priority: 100, preempt: false }] }]);
  if (muteAfterStall) breakNode(s.world.nodes[0]!, (c, g) => new MuteRouter(c, g));
  s.startAll();
  const boundMs = s.checker.settleBoundMs();
  s.at(STALL_AT_MS, `stall r1 for B = ${boundMs}ms`, (w) => {
    w.stall(0, boundMs);
    if (muteAfterStall) (w.nodes[0]!.router as MuteRouter).mute = true;
  });
  return { s, boundMs };
}

describe('a stall that ends on a settle check', () => {
  it('is still a stall at that check: no false "2 masters", and the next settle runs after the stall end', () => {
    const { s, boundMs } = world(false);
    const endMs = STALL_AT_MS + boundMs;
    s.runUntil(endMs - 1);
    assert.deepEqual(s.masters(5).sort(), ['r1', 'r2'], 'r2 took over during the stall, r1 is still MASTER in its frozen loop');
    const skipped = s.checker.counts.settleSkipped;
    const settles = s.checker.counts.settles;
    s.runUntil(endMs);
    assert.equal(s.checker.counts.settleSkipped, skipped + 1, 'the check on the stall end ms was skipped');
    assert.equal(s.checker.counts.settles, settles);
    s.runUntil(endMs + 100);
    assert.deepEqual(s.masters(5), ['r1'], 'r1 ran its late timers, advertised 150 and r2 stepped down');
    s.runUntil(endMs + boundMs);
    assert.equal(s.checker.counts.settles, settles + 1, 'the stall end scheduled a settle check, and it passed');
    assert.ok(s.checker.converged);
  });

  it('still reports a real double master across that stall (r1 mute after it), at the stall end + B', () => {
    const { s, boundMs } = world(true);
    const endMs = STALL_AT_MS + boundMs;
    s.runUntil(endMs);
    assert.deepEqual(s.masters(5).sort(), ['r1', 'r2'], 'r2 never hears the mute r1 again');
    let failure: SimFailure | null = null;
    try {
      s.runUntil(endMs + boundMs + 1000);
    } catch (e) {
      if (!(e instanceof SimFailure)) throw e;
      failure = e;
    }
    assert.ok(failure, 'the checker reported nothing');
    assert.match(failure.message, /VRID 5: 2 masters \(r1,r2\)/);
    assert.match(failure.message, new RegExp(`at t=${((endMs + boundMs) / 1000).toFixed(3)}s`), 'reported by the settle check the stall end scheduled');
  });
});

describe('seed 101205 at 30 faults', () => {
  it('passes: r2 stalled for exactly B, the settle check on its last millisecond is skipped', () => {
    const r = runSeed(101205, { faults: 30, widen: false });
    assert.equal(r.failure, null);
    assert.ok(r.checker.counts.settleSkipped > 0);
  });
});
