// Runs a fixed range of seeds as node:test cases (chunks of 100) and checks
// that the range really exercised the checker: a checker that never checks
// would pass every seed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed, rerunCommand, type RunResult } from './run.ts';

export interface SwarmTotals {
  seeds: number;
  settles: number;
  takeovers: number;
  rivalChecks: number;
  earlyChecks: number;
  arpChecks: number;
  routerHours: number;
  faults: Map<string, number>;
}

export function swarmRange(first: number, last: number, chunk = 100): SwarmTotals {
  const totals: SwarmTotals = { seeds: 0, settles: 0, takeovers: 0, rivalChecks: 0, earlyChecks: 0, arpChecks: 0, routerHours: 0, faults: new Map() };
  for (let lo = first; lo <= last; lo += chunk) {
    const hi = Math.min(last, lo + chunk - 1);
    it(`seeds ${lo}..${hi}`, () => {
      const failures: RunResult[] = [];
      for (let seed = lo; seed <= hi; seed++) {
        const r = runSeed(seed, { traceSize: 60 });
        totals.seeds++;
        totals.settles += r.checker.counts.settles;
        totals.takeovers += r.checker.counts.takeoverChecks;
        totals.rivalChecks += r.checker.counts.rivalChecks;
        totals.arpChecks += r.checker.counts.arpChecks;
        totals.earlyChecks += r.checker.early.checked;
        totals.routerHours += r.routerMs / 3_600_000;
        for (const [k, v] of r.world.faultCounts) totals.faults.set(k, (totals.faults.get(k) ?? 0) + v);
        if (!r.ok) failures.push(r);
      }
      if (failures.length > 0) {
        const f = failures[0]!;
        assert.fail(`${failures.length} seed(s) failed: ${failures.map((x) => x.seed).join(', ')}\n\n${f.failure}\n\nlast events:\n${f.trace}\n\nrerun: ${rerunCommand(f.seed)}`);
      }
    });
  }
  return totals;
}

/** The range as a whole must have reached every kind of check and fault. */
export function assertCoverage(t: SwarmTotals): void {
  it('the range exercised the checker (settles, timed takeovers, ARP checks, every fault kind)', () => {
    assert.ok(t.seeds > 0);
    assert.ok(t.settles >= t.seeds * 2, `settle checks: ${t.settles}`);
    assert.ok(t.takeovers >= t.seeds / 5, `timed takeovers: ${t.takeovers}`);
    // Measured 130 (seeds 1..1000) and 203 (1001..2000): first takeovers also held to another backup's deadline.
    assert.ok(t.rivalChecks >= t.seeds / 20, `takeovers checked against another backup's deadline: ${t.rivalChecks}`);
    assert.ok(t.arpChecks >= t.seeds / 5, `ARP checks: ${t.arpChecks}`);
    assert.ok(t.earlyChecks >= t.seeds * 2, `takeovers checked against their earliest legal time: ${t.earlyChecks}`);
    for (const k of ['partition', 'heal', 'paths', 'crash', 'start', 'stop', 'stall', 'tracker', 'link', 'clog', 'unclog', 'block']) {
      assert.ok((t.faults.get(k) ?? 0) >= t.seeds / 20, `fault ${k}: ${t.faults.get(k) ?? 0}`);
    }
  });
}
