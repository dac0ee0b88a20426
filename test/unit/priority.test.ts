import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { effectivePriority, trackerFaults, trackerWeight } from '../../src/vrrp/priority.ts';
import type { TrackerRef } from '../../src/vrrp/types.ts';

const ref = (id: string, weight: number, reverse = false): TrackerRef => ({ id, weight, reverse });
const states = (o: Record<string, boolean>) => new Map(Object.entries(o));

test('positive weight is added while up, nothing while down', () => {
  assert.equal(trackerWeight(ref('a', 20), true), 20);
  assert.equal(trackerWeight(ref('a', 20), false), 0);
});

test('negative weight is added while down, nothing while up (HAProxy check: 100 -> 90)', () => {
  assert.equal(trackerWeight(ref('a', -10), true), 0);
  assert.equal(trackerWeight(ref('a', -10), false), -10);
  assert.equal(effectivePriority(100, [ref('chk', -10)], states({ chk: false })).priority, 90);
  assert.equal(effectivePriority(100, [ref('chk', -10)], states({ chk: true })).priority, 100);
});

test('reverse flips the sign: decreased when up, increased when down', () => {
  assert.equal(trackerWeight(ref('a', 20, true), true), -20);
  assert.equal(trackerWeight(ref('a', 20, true), false), 0);
  assert.equal(trackerWeight(ref('a', -10, true), false), 10);
  assert.equal(trackerWeight(ref('a', -10, true), true), 0);
});

test('a tracker that has not reported contributes nothing and faults only with init_fail', () => {
  assert.equal(trackerWeight(ref('a', 20), undefined), 0);
  assert.equal(trackerWeight(ref('a', -20), undefined), 0);
  assert.equal(trackerFaults(ref('a', 0), undefined, false), false);
  assert.equal(trackerFaults(ref('a', 0), undefined, true), true);
});

test('weight 0 faults when down; with reverse, when up', () => {
  assert.equal(effectivePriority(100, [ref('x', 0)], states({ x: false })).faultBy, 'x');
  assert.equal(effectivePriority(100, [ref('x', 0)], states({ x: true })).faultBy, null);
  assert.equal(effectivePriority(100, [ref('x', 0, true)], states({ x: true })).faultBy, 'x');
  assert.equal(effectivePriority(100, [ref('x', 0, true)], states({ x: false })).faultBy, null);
});

test('clamped to 1..254', () => {
  assert.equal(effectivePriority(250, [ref('a', 50)], states({ a: true })).priority, 254);
  assert.equal(effectivePriority(10, [ref('a', -50)], states({ a: false })).priority, 1);
});

test('an owner stays 255 whatever its weighted trackers say, but weight 0 still faults it', () => {
  const r = effectivePriority(255, [ref('a', -50), ref('b', 0)], states({ a: false, b: false }));
  assert.equal(r.priority, 255);
  assert.equal(r.faultBy, 'b');
});

test('property: derived from scratch = order-independent, bounded, equal to the sum of the parts', () => {
  const arbRef = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e'), weight: fc.integer({ min: -253, max: 253 }), reverse: fc.boolean() });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 254 }), fc.uniqueArray(arbRef, { selector: (r) => r.id }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.boolean()), (base, refs, st) => {
      const m = states(st);
      const r = effectivePriority(base, refs, m);
      const reversed = effectivePriority(base, [...refs].reverse(), m);
      assert.equal(r.priority, reversed.priority);
      assert.ok(r.priority >= 1 && r.priority <= 254);
      const sum = base + refs.reduce((acc, x) => acc + trackerWeight(x, m.get(x.id)), 0);
      assert.equal(r.priority, Math.min(254, Math.max(1, sum)));
      assert.equal(r.faultBy !== null, refs.some((x) => trackerFaults(x, m.get(x.id), false)));
    }),
    { numRuns: 500 },
  );
});
