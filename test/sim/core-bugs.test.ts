// Regression seeds for the core bugs the widened simulator found (issue 7,
// bugs 1–3; known-core-bugs.ts has the signatures and the seeds). Each test
// failed before the core fix for its bug.
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
  it(`bug 1 (${bug(1).what}): seeds ${bug(1).seeds.join(', ')}`, () => seedsPass(1));

  it(`bug 2 (${bug(2).what}): seeds ${bug(2).seeds.join(', ')}`, () => seedsPass(2));

  it(`bug 3 (${bug(3).what}): seeds ${bug(3).seeds.join(', ')}`, () => seedsPass(3));

  it('bug 3, by name: a backup stalled 6 s while the master advertises stays BACKUP', () => {
    const s = new Scenario([{ instances: [{ vrid: 5, priority: 150 }] }, { instances: [{ vrid: 5, priority: 100 }] }]);
    s.startAll().at(10_000, 'stall r2', (w) => w.stall(1, 6000)).runUntil(30_000);
    assert.deepEqual(s.masters(5), ['r1']);
    assert.deepEqual(s.transitions({ node: 'r2', to: 'MASTER' }), []);
  });

  // Failed on the first fix of bug 3 too (handle() applied its advert before
  // the expired timers, but a discarded lower advert leading the queue then
  // fired them): fixed by reading the whole queue with the timers held
  // (Router.readBatch), then firing them.
  it('bug 3, queue led by a lower advert: a stalled backup reads past it to the master\'s adverts (seed 1990\'s shape)', () => {
    // r3 (50) cannot hear r1, so it is MASTER too and advertises; r2 (100) discards
    // r3's adverts and follows r1's. r2 stalls just after one of r1's adverts,
    // so the first frame queued is r3's, with r1's behind it.
    const s = new Scenario([150, 100, 50].map((p) => ({ instances: [{ vrid: 5, priority: p }] })));
    s.world.block(0, 2);
    s.startAll().at(10_500, 'stall r2', (w) => w.stall(1, 6000)).runUntil(30_000);
    assert.deepEqual(s.transitions({ node: 'r2', to: 'MASTER' }), []);
  });
});
