// Regression seeds for the core bugs the widened simulator found (issue 7,
// bugs 1–3; known-core-bugs.ts has the signatures and the seeds). Each test
// fails until the core fix for its bug is merged; then drop the `todo` and
// set CORE_BUGS_FIXED in known-core-bugs.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSeed, rerunCommand } from './run.ts';
import { KNOWN_CORE_BUGS } from './known-core-bugs.ts';
import { Scenario } from './scenario.ts';

const bug = (n: number) => KNOWN_CORE_BUGS.find((b) => b.bug === n)!;

function seedsPass(n: number): void {
  for (const seed of bug(n).seeds) {
    const r = runSeed(seed, { traceSize: 60 });
    assert.equal(r.failure, null, `${r.failure}\n\nrerun: ${rerunCommand(seed)}`);
  }
}

describe('core bugs found by the swarm', () => {
  // fails until the core fix for bug 1 is merged
  it(`bug 1 (${bug(1).what}): seeds ${bug(1).seeds.join(', ')}`, { todo: 'fails until the core fix for bug 1 is merged' }, () => seedsPass(1));

  // fails until the core fix for bug 2 is merged
  it(`bug 2 (${bug(2).what}): seeds ${bug(2).seeds.join(', ')}`, { todo: 'fails until the core fix for bug 2 is merged' }, () => seedsPass(2));

  // fails until the core fix for bug 3 is merged
  it(`bug 3 (${bug(3).what}): seeds ${bug(3).seeds.join(', ')}`, { todo: 'fails until the core fix for bug 3 is merged' }, () => seedsPass(3));

  // fails until the core fix for bug 3 is merged
  it('bug 3, by name: a backup stalled 6 s while the master advertises stays BACKUP', { todo: 'fails until the core fix for bug 3 is merged' }, () => {
    const s = new Scenario([{ instances: [{ vrid: 5, priority: 150 }] }, { instances: [{ vrid: 5, priority: 100 }] }]);
    s.startAll().at(10_000, 'stall r2', (w) => w.stall(1, 6000)).runUntil(30_000);
    assert.deepEqual(s.masters(5), ['r1']);
    assert.deepEqual(s.transitions({ node: 'r2', to: 'MASTER' }), []);
  });
});
