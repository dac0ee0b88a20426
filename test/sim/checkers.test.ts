// The checker must be able to fail: each test breaks one rule behind the
// core's back (or misconfigures the routers the way people do) and expects
// the matching invariant to stop the run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { SimFailure } from './world.ts';
import { CLEAN_PATH } from './lan.ts';

const pair = (a: object = {}, b: object = {}) =>
  new Scenario([{ instances: [{ vrid: 5, priority: 150, ...a }] }, { instances: [{ vrid: 5, priority: 100, ...b }] }]).startAll();

function failsWith(s: Scenario, untilMs: number, pattern: RegExp): void {
  assert.throws(() => s.runUntil(untilMs), (e: unknown) => e instanceof SimFailure && pattern.test(e.message));
}

describe('the checker catches', () => {
  it('VIPs left on a BACKUP (kernel model out of step with the state)', () => {
    const s = pair();
    s.at(10_000, 'someone adds the VIP on r2 by hand', (w) => w.nodes[1]!.kernel.add('10.1.5.100'));
    s.at(10_001, 'any input to r2', (w) => w.setTracker(1, 'script:unused', false));
    failsWith(s, 20_000, /r2 .*BACKUP still holds 1 VIP/);
  });

  it('a transition after convergence with no fault (flapping)', () => {
    const s = pair({ trackers: [{ id: 'script:x', weight: 0, reverse: false }] });
    s.runUntil(30_000);
    assert.ok(s.checker.converged);
    // Told to the core without telling the checker: to the checker this is a spontaneous flap.
    s.at(30_001, 'silent tracker flip', (w) => w.nodes[0]!.reportTracker('script:x', false));
    failsWith(s, 40_000, /flap: VI_5 MASTER→FAULT/);
  });

  it('a takeover sooner than Master_Down_Interval after the master last spoke', () => {
    const s = pair();
    s.runUntil(30_000);
    // Unannounced total loss r1 → r2: r2 stops hearing r1 before the crash, so it takes over "early".
    s.at(30_000, 'silent loss', (w) => w.lan.setPath(0, 1, { ...CLEAN_PATH, lossP: 1 }));
    s.at(32_000, 'crash r1', (w) => w.crash(0));
    failsWith(s, 40_000, /took over .* sooner than the protocol allows/);
  });

  it('two masters in one connected segment (v2 advert_int mismatch: each drops the other)', () => {
    const s = pair({ version: 2, advertIntervalMs: 1000 }, { version: 2, advertIntervalMs: 2000 });
    failsWith(s, 30_000, /VRID 5: 2 masters \(r1,r2\)/);
  });

  it('a master that is not the expected winner', () => {
    // r2 is configured to believe it is alone on a different VRID list; r1 never hears it.
    const s = new Scenario([
      { instances: [{ vrid: 5, priority: 150, vipCount: 1 }] },
      { instances: [{ vrid: 5, priority: 100, vipCount: 2 }] },
    ]).startAll();
    failsWith(s, 30_000, /VRID 5: 2 masters|not the expected|higher-priority/);
  });
});
