// Property: random tracker and link flips on a 3-node LAN never break the
// instance's pair assertions (checked inside every handle()) or the harness's
// "VIPs iff MASTER" check, and once inputs are stable the highest effective
// priority among unfaulted nodes is the only MASTER.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import { Pair, makeConfig } from '../lib/pair.ts';

const trackers = [
  { id: 'chk', weight: -30, reverse: false },
  { id: 'gate', weight: 0, reverse: false },
];

const op = fc.record({
  gapMs: fc.integer({ min: 0, max: 4000 }),
  node: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom('chk', 'gate', 'link'),
  up: fc.boolean(),
});

test('property: random faults keep the invariants; stable inputs converge to the expected single MASTER', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { minLength: 3, maxLength: 3 }),
      fc.constantFrom<2 | 3>(2, 3),
      fc.array(op, { maxLength: 25 }),
      (prios, version, ops) => {
        const p = new Pair(
          prios.map((priority, i) => makeConfig({ name: `n${i}`, primaryAddress: `10.0.0.${i + 1}`, priority, version, trackers })),
          { delayMs: 2 },
        );
        p.start();
        for (const o of ops) {
          p.runFor(o.gapMs);
          const name = `n${o.node}`;
          if (o.kind === 'link') p.link(name, o.up);
          else p.tracker(name, o.kind, o.up);
        }
        p.runFor(20_000); // > Master_Down_Interval + one interval for any priority
        const live = [...p.nodes.values()].map((n) => n.instance).filter((i) => !i.ownFault);
        const expected = live.sort((a, b) => b.effectivePriority - a.effectivePriority || (a.config.primaryAddress < b.config.primaryAddress ? 1 : -1))[0];
        const masters = p.masters();
        if (expected === undefined) assert.deepEqual(masters, []);
        else {
          // distinct effective priorities are not guaranteed (trackers can make them equal): then any tied node may hold it
          const top = live.filter((i) => i.effectivePriority === expected.effectivePriority).map((i) => i.config.name);
          assert.equal(masters.length, 1, `masters ${masters} states ${JSON.stringify(p.states())}`);
          assert.ok(top.includes(masters[0]!), `master ${masters[0]} but expected one of ${top}`);
        }
        const before = p.transitions().length;
        p.runFor(30_000);
        assert.equal(p.transitions().length, before, 'no flapping once stable');
      },
    ),
    { numRuns: 300 },
  );
});

test('spurious timeouts change nothing', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' }));
  i.handle({ type: 'start' }, millis(0));
  const d = i.nextDeadline();
  for (let t = 0; t < 3600; t += 100) assert.deepEqual(i.handle({ type: 'timeout' }, millis(t)), []);
  assert.equal(i.nextDeadline(), d);
  assert.equal(i.state, 'BACKUP');
});

test('a late timeout after a long stall fires every due slot once and leaves no deadline in the past', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 255, initialState: 'MASTER' }));
  i.handle({ type: 'start' }, millis(0));
  const out = i.handle({ type: 'timeout' }, millis(60_000)); // advert (1 s) and garpDelay (5 s) both long overdue
  assert.deepEqual(out.map((a) => a.type), ['send', 'announce']);
  assert.ok(i.nextDeadline()! >= 60_000);
});
