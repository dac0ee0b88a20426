// Property: every invariant holds for seeds 1001..2000, plus replay determinism.
// Rerun one: node --import tsx test/sim/vopr.ts --seed N
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { swarmRange, assertCoverage } from './swarm-run.ts';
import { runSeed } from './run.ts';

describe('swarm seeds 1001..2000', () => assertCoverage(swarmRange(1001, 2000)));

describe('replay', () => {
  it('the same seed gives the same run, event for event', () => {
    for (const seed of [7, 1234, 99_999]) {
      const a = runSeed(seed, { traceSize: 500 });
      const b = runSeed(seed, { traceSize: 500 });
      assert.deepEqual(a.world.transitions, b.world.transitions);
      assert.deepEqual(a.world.stats, b.world.stats);
      assert.equal(a.world.trace.format(), b.world.trace.format());
      assert.ok(a.world.stats.events > 100);
    }
  });
});
