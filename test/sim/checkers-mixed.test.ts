// Routers of one v3 VRID that disagree on advert_int (seed 103788 at 30
// faults): a backup learns the interval of the advert it accepted last (RFC
// 9568 §6.4.2), so a stepping-down master's last advert
// (higher_prio_send_advert) that reaches it after the new master's forced
// reply leaves it timing a 2000 ms master with a 500 ms Master_Down_Interval;
// it takes over, and its own adverts can teach the next backup the same. Such
// a legitimate cascade ran past "last fault + B" and was called a flap. The
// settle point now counts B from the last transition in such a VRID
// (checkers.ts, #scheduleSettle). These tests show the cascade passes and
// that a flap after convergence, and a real double master, are still caught.
//
// Since the core remembers which router set Master_Down (issue 7, bug 5), a
// stepping-down master's last advert no longer teaches a backup its interval
// nor brings its takeover forward: the cascade below stops after r1 preempts
// r2, and seed 103788 has no transition past last fault + B any more. The
// first and last tests pin that; the settle point still moves with each
// transition in such a VRID.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { SimFailure } from './world.ts';
import { CLEAN_PATH } from './lan.ts';
import { breakNode, MuteRouter } from './broken-cores.ts';
import { runSeed } from './run.ts';

const END_MS = 60_000;

/**
 * r1 200 at 2000 ms; r2 100 nopreempt, r3 50 and r4 40 at 500 ms; all with
 * higher_prio_send_advert. Paths r2→r3 and r3→r4 take 20 ms, the rest 1 ms,
 * so each stepping-down master's last advert reaches the next backup after
 * r1's reply to it: r2 (1.8 s), r1 preempts (6.4 s), r3 (8.4 s), r4 (10.3 s).
 */
function cascade(): Scenario {
  const s = new Scenario([
    { instances: [{ vrid: 5, priority: 200, advertIntervalMs: 2000, higherPrioSendAdvert: true, trackers: [{ id: 'script:x', weight: 0, reverse: false }] }] },
    { instances: [{ vrid: 5, priority: 100, advertIntervalMs: 500, preempt: false, higherPrioSendAdvert: true }] },
    { instances: [{ vrid: 5, priority: 50, advertIntervalMs: 500, higherPrioSendAdvert: true }] },
    { instances: [{ vrid: 5, priority: 40, advertIntervalMs: 500, higherPrioSendAdvert: true }] },
  ]);
  const slow = { ...CLEAN_PATH, delayMinMs: 20 };
  s.world.lan.setPath(1, 2, slow);
  s.world.lan.setPath(2, 3, slow);
  return s;
}

function failure(s: Scenario, untilMs: number): SimFailure {
  try {
    s.runUntil(untilMs);
  } catch (e) {
    if (e instanceof SimFailure) return e;
    throw e;
  }
  return assert.fail('the checker reported nothing');
}

describe('mixed advert intervals in one VRID', () => {
  it('no takeover cascade: r2, then r1 preempts, and the settle comes B after that', () => {
    const s = cascade().startAll().runUntil(END_MS);
    const boundMs = s.checker.settleBoundMs();
    assert.deepEqual(s.transitions({ to: 'MASTER' }).map((t) => t.node), ['r2', 'r1'], 'r3 and r4 never take over');
    assert.deepEqual(s.masters(5), ['r1']);
    assert.ok(s.checker.converged);
    const lastMs = Math.max(...s.world.transitions.map((t) => t.atMs));
    assert.equal(s.checker.convergedAtMs, lastMs + boundMs, 'converged B after the last transition');
  });

  it('still catches a flap after convergence', () => {
    const s = cascade().startAll().runUntil(END_MS);
    assert.ok(s.checker.converged);
    s.at(END_MS + 1, 'silent tracker flip (the checker is not told)', (w) => w.nodes[0]!.reportTracker('script:x', false));
    assert.match(failure(s, END_MS + 10_000).message, /r1 after 'tracker script:x down': flap: VI_5 MASTER→FAULT/);
  });

  it('still reports a real double master, at B after the takeover that moved the settle point', () => {
    // r1's core never gets an advert onto the wire: r2 (nopreempt) stays MASTER, r1 preempts it unheard.
    const s = cascade();
    breakNode(s.world.nodes[0]!, (c, g) => Object.assign(new MuteRouter(c, g), { mute: true }));
    s.startAll();
    const msg = failure(s, END_MS).message;
    const r1Ms = s.becameMasterAt('r1');
    assert.ok(r1Ms !== null && r1Ms > 6000, `r1 preempted unheard at ${r1Ms}`);
    assert.match(msg, /VRID 5: 2 masters \(r1,r2\)/);
    assert.match(msg, new RegExp(`at t=${((r1Ms + s.checker.settleBoundMs()) / 1000).toFixed(3)}s`));
  });

  // Its cascade came out of a stalled router acting on its late timers before
  // its queued adverts, and out of another router's advert teaching a shorter
  // interval; the simulated driver reads first (as keepalived does) and the
  // core learns the interval from the master only, so this world no longer
  // cascades past the settle point. The deterministic cascade above keeps
  // that path covered; the seed stays as a regression in its classic world.
  it('seed 103788 at 30 faults passes, with no transition past last fault + B', () => {
    const r = runSeed(103788, { faults: 30, widen: false });
    assert.equal(r.failure, null);
    const late = r.world.transitions.filter((t) => t.atMs > r.checker.lastFaultMs + r.checker.settleBoundMs());
    assert.deepEqual(late.map((t) => `${t.atMs} ${t.node} ${t.from}>${t.to}`), [], 'no transition past last fault + B');
  });
});
