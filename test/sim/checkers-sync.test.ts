// The sync-group check must fail when a group's members disagree after an
// event (one MASTER, another BACKUP or FAULT): the core moves a whole group in
// the step that moved one member, so no split may outlive that step. The
// broken core (broken-cores.ts) ignores its sync groups while the checker
// still knows the node's configured group; each case has a control.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { SimFailure, World } from './world.ts';
import { instanceConfig, type InstanceSpec } from './config.ts';
import { breakNode, withoutSyncGroups } from './broken-cores.ts';

const GROUP = [{ name: 'G', members: ['VI_31', 'VI_32'] }];
const FLIP_MS = 20_000; // the crash or tracker flip, long after convergence
const END_MS = 30_000;

/** VI_31 carries a weight-0 tracker; VI_32's interval decides when its own timer runs out. */
function members(priority: number, vi32IntervalMs: number): Array<Omit<InstanceSpec, 'router'>> {
  return [
    { vrid: 31, priority, name: 'VI_31', syncGroup: 'G', trackers: [{ id: 'script:chk', weight: 0, reverse: false }] },
    { vrid: 32, priority, name: 'VI_32', syncGroup: 'G', advertIntervalMs: vi32IntervalMs },
  ];
}

/** r1 (150) and r2 (100), r2 started once r1 is MASTER; `broken` loses its sync group in the core. */
function world(vi32IntervalMs: number, broken: number | null): Scenario {
  const s = new Scenario([150, 100].map((p) => ({ instances: members(p, vi32IntervalMs), groups: GROUP })));
  if (broken !== null) breakNode(s.world.nodes[broken]!, withoutSyncGroups);
  return s.startAll(0, 5000);
}

function failure(s: Scenario): SimFailure {
  try {
    s.runUntil(END_MS);
  } catch (e) {
    if (e instanceof SimFailure) return e;
    throw e;
  }
  return assert.fail('the checker reported nothing');
}

describe('sync group members disagreeing', () => {
  // VI_32 (500 ms) runs out of Master_Down ~1.8 s after r1's crash, VI_31 (1 s) ~3.6 s after.
  const crash = (s: Scenario) => s.at(FLIP_MS, 'crash r1', (w) => w.crash(0));

  it('control: after the master crashes, the unbroken group takes over together, on its last member\'s timer', () => {
    const s = crash(world(500, null)).runUntil(END_MS);
    assert.deepEqual([s.masters(31), s.masters(32)], [['r2'], ['r2']]);
    const up = s.transitions({ node: 'r2', to: 'MASTER' });
    assert.equal(up.length, 2);
    assert.equal(up[0]!.atMs, up[1]!.atMs);
    assert.equal(s.checker.counts.takeoverChecks, 1);
  });

  it('without the checker, the broken core stays split MASTER/BACKUP for over a second', () => {
    const w = new World({
      seed: 1,
      nodes: [150, 100].map((p, router) => ({ instances: members(p, 500).map((m) => instanceConfig({ ...m, router })), groups: GROUP })),
    });
    breakNode(w.nodes[1]!, withoutSyncGroups);
    w.at(0, 'start r1', () => w.start(0));
    w.at(5000, 'start r2', () => w.start(1));
    w.at(FLIP_MS, 'crash r1', () => w.crash(0));
    const r2 = w.nodes[1]!;
    const splitAt = (ms: number) => (w.runUntil(ms), [r2.stateOf('VI_31'), r2.stateOf('VI_32')]);
    assert.deepEqual(splitAt(22_000), ['BACKUP', 'MASTER']);
    const stepsMid = w.stats.steps;
    assert.deepEqual(splitAt(23_000), ['BACKUP', 'MASTER']);
    // r2 is the only router left: its VI_32 advert timer ran steps while the split held.
    assert.ok(w.stats.steps - stepsMid >= 2, `${w.stats.steps - stepsMid} steps`);
  });

  it('caught at the step that split it: VI_32 MASTER alone after the crash', () => {
    const s = crash(world(500, 1));
    const e = failure(s);
    assert.match(e.message, /^r2 after 'timer': sync group G split: VI_31=BACKUP VI_32=MASTER/);
    assert.equal(s.world.now, s.becameMasterAt('r2', FLIP_MS), 'reported when VI_32 became MASTER, not later');
  });

  // Equal intervals here, so the broken core's members still start together.
  const flip = (s: Scenario) => s.at(FLIP_MS, 'r1 check fails', (w) => w.setTracker(0, 'script:chk', false));

  it('control: a member faulted by its tracker takes the whole unbroken group to FAULT', () => {
    const s = flip(world(1000, null)).runUntil(END_MS);
    assert.deepEqual([s.masters(31), s.masters(32)], [['r2'], ['r2']]);
    assert.equal(s.world.nodes[0]!.stateOf('VI_32'), 'FAULT');
  });

  it('caught: VI_31 FAULT while VI_32 stays MASTER', () => {
    const e = failure(flip(world(1000, 0)));
    assert.match(e.message, /^r1 after 'tracker script:chk down': sync group G split: VI_31=FAULT VI_32=MASTER/);
  });
});
