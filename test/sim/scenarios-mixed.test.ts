// A core gap (fixed) found while explaining seed 103788 (docs/simulator.md,
// "Findings"): with routers that disagree on advert_int, a healthy LAN
// flapped for ever. r1 (200, 2000 ms) is master; r2 (100, nopreempt) and r3 (50)
// advertise every 500 ms; everyone has higher_prio_send_advert; the path
// between r2 and r3 takes 20 ms, every other path 1 ms. Each round:
//   - backup X (500 ms) times out and takes over; r1 answers its lower advert
//     at once, and X steps down, sending its last advert (higher_prio_send_advert);
//   - the other backup Y accepts X's adverts (r2 because nopreempt accepts any
//     priority, r3 because 100 >= 50) and so learns X's 500 ms interval
//     (RFC 9568 §6.4.2: from the advert accepted, whoever sent it);
//   - r1's reply to X's last advert reaches Y in 2 ms, X's last advert itself
//     only after 20 ms, so the last interval Y learned is 500 ms, not r1's
//     2000 ms: Y's Master_Down_Interval (~1.9 s) runs out before r1's next
//     advert, Y takes over, and the roles swap.
// r2 and r3 took the VIP every ~1.9 s (GARPs each time), for ever. Fixed in
// the core (issue 7, bug 5; RFC 9568 §6.1: Master_Adver_Interval is the
// interval in adverts from the Master): a backup remembers which router set
// Master_Down, and an accepted advert from another router that does not beat
// it teaches no interval and may push the deadline later, never earlier.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scenario } from './scenario.ts';
import { CLEAN_PATH } from './lan.ts';

describe('mixed advert intervals, static asymmetric delays', () => {
  it('the election settles on r1 and stays', () => {
    const s = new Scenario([
      { instances: [{ vrid: 5, priority: 200, advertIntervalMs: 2000, higherPrioSendAdvert: true }] },
      { instances: [{ vrid: 5, priority: 100, advertIntervalMs: 500, preempt: false, higherPrioSendAdvert: true }] },
      { instances: [{ vrid: 5, priority: 50, advertIntervalMs: 500, higherPrioSendAdvert: true }] },
    ]);
    const slow = { ...CLEAN_PATH, delayMinMs: 20 };
    s.world.lan.setPath(1, 2, slow);
    s.world.lan.setPath(2, 1, slow);
    s.startAll().runUntil(120_000);
    const late = s.transitions().filter((t) => t.atMs > 60_000);
    assert.equal(late.length, 0, `${late.length} transitions in the last minute, e.g. ${late.slice(0, 4).map((t) => `${t.atMs}ms ${t.node} ${t.from}→${t.to}`).join(', ')}`);
    assert.deepEqual(s.masters(5), ['r1']);
    assert.ok(s.checker.converged);
  });
});
