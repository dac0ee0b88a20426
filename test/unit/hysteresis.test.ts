import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { carryOverHysteresis, initialHysteresis, statusOf, stepHysteresis, type HysteresisOptions, type HysteresisState } from '../../src/track/hysteresis.ts';

/** Feeds results; returns the reported changes (null where nothing was reported). */
function feed(o: HysteresisOptions, results: boolean[], start?: HysteresisState): { changes: (boolean | null)[]; state: HysteresisState } {
  let state = start ?? initialHysteresis(o);
  const changes: (boolean | null)[] = [];
  for (const r of results) {
    const s = stepHysteresis(state, o, r);
    state = s.state;
    changes.push(s.changed);
  }
  return { changes, state };
}

test('an unknown script: the first success alone reports up, even with rise 3', () => {
  const o = { rise: 3, fall: 2, initFail: false };
  assert.equal(statusOf(initialHysteresis(o), o), 'unknown');
  const { changes, state } = feed(o, [true]);
  assert.deepEqual(changes, [true]);
  assert.equal(statusOf(state, o), 'up');
});

test('an unknown script: the first failure alone reports down, even with fall 3', () => {
  const o = { rise: 2, fall: 3, initFail: false };
  const { changes, state } = feed(o, [false]);
  assert.deepEqual(changes, [false]);
  assert.equal(statusOf(state, o), 'down');
});

test('init_fail starts down and needs rise consecutive successes', () => {
  const o = { rise: 3, fall: 2, initFail: true };
  assert.equal(statusOf(initialHysteresis(o), o), 'down');
  assert.deepEqual(feed(o, [true, true, true]).changes, [null, null, true]);
  // a failure in between restarts the count
  assert.deepEqual(feed(o, [true, true, false, true, true, true]).changes, [null, null, null, null, null, true]);
});

test('up: fall consecutive failures report down; a success in between resets', () => {
  const o = { rise: 1, fall: 3, initFail: false };
  const up = feed(o, [true]).state;
  assert.deepEqual(feed(o, [false, false, false], up).changes, [null, null, false]);
  assert.deepEqual(feed(o, [false, false, true, false, false, false], up).changes, [null, null, null, null, null, false]);
});

test('down: rise consecutive successes report up; repeated results report nothing', () => {
  const o = { rise: 2, fall: 1, initFail: false };
  const down = feed(o, [false]).state;
  assert.deepEqual(feed(o, [true, true, true, true], down).changes, [null, true, null, null]);
  assert.deepEqual(feed(o, [false, false], down).changes, [null, null]);
});

test('property: reported changes alternate and match a reference model of consecutive runs', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.array(fc.boolean(), { maxLength: 60 }),
    (rise, fall, initFail, results) => {
      const o = { rise, fall, initFail };
      const { changes } = feed(o, results);
      // reference: status known after first result (or init_fail); flips after rise successes / fall failures in a row
      let status: 'unknown' | 'up' | 'down' = initFail ? 'down' : 'unknown';
      let run = 0;
      let last: boolean | null = null;
      results.forEach((r, i) => {
        run = last === r ? run + 1 : 1;
        last = r;
        let expected: boolean | null = null;
        if (status === 'unknown') { status = r ? 'up' : 'down'; expected = r; }
        else if (status === 'down' && r && run >= rise) { status = 'up'; expected = true; }
        else if (status === 'up' && !r && run >= fall) { status = 'down'; expected = false; }
        assert.equal(changes[i], expected, `step ${i}`);
      });
    }), { numRuns: 500 });
});

test('rise/fall must be integers >= 1', () => {
  assert.throws(() => initialHysteresis({ rise: 0, fall: 1, initFail: false }), RangeError);
  assert.throws(() => initialHysteresis({ rise: 1, fall: 1.5, initFail: false }), RangeError);
});

test('reload keeps the up/down status and the distance from the threshold', () => {
  const old = { rise: 3, fall: 3, initFail: false };
  const next = { rise: 2, fall: 5, initFail: false };
  const up = feed(old, [true]).state; // at the top
  const c = carryOverHysteresis(up, old, next);
  assert.equal(statusOf(c, next), 'up');
  assert.equal(c.result, next.rise + next.fall - 1);
  const downOne = feed(old, [true, false]).state; // one failure into a fall of 3
  const c2 = carryOverHysteresis(downOne, old, next);
  assert.equal(statusOf(c2, next), 'up');
  assert.equal(c2.result, next.rise + (downOne.result - old.rise));
  const down = feed(old, [false]).state;
  assert.equal(statusOf(carryOverHysteresis(down, old, next), next), 'down');
  assert.equal(statusOf(carryOverHysteresis(initialHysteresis(old), old, next), next), 'unknown');
});
