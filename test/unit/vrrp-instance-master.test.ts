import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import type { GarpConfig, InstanceConfig } from '../../src/vrrp/types.ts';
import { advertOf, makeConfig, ofType } from '../lib/pair.ts';

const peer = makeConfig({ name: 'PEER', primaryAddress: '10.0.0.2' });
const PEER = '10.0.0.2';

/** A MASTER at t=0 (owner start), then demoted to `priority` semantics via config. */
function master(over: Partial<InstanceConfig> = {}): Instance {
  const config = makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', initialState: 'MASTER', ...over });
  // A non-owner waits Master_Down_Interval in BACKUP first: start that long before t=0
  // so that every instance is MASTER exactly at t=0.
  const probe = new Instance(config);
  probe.handle({ type: 'start' }, millis(0));
  const wait = probe.state === 'BACKUP' ? probe.nextDeadline()! : 0;
  const i = new Instance(config);
  i.handle({ type: 'start' }, millis(-wait));
  if (i.state === 'BACKUP') i.handle({ type: 'timeout' }, millis(0));
  assert.equal(i.state, 'MASTER');
  return i;
}

test('MASTER sends an advert every interval, computed from now (no drift accumulation)', () => {
  const i = master({ priority: 255 });
  const out = i.handle({ type: 'timeout' }, millis(1000));
  assert.equal(ofType(out, 'send').length, 1);
  assert.equal(i.deadline('advert'), 2000);
  i.handle({ type: 'timeout' }, millis(2300)); // fired late: next one is an interval after *now*
  assert.equal(i.deadline('advert'), 3300);
  assert.equal(i.stats.advertisementsSent, 3);
});

test('lower-priority advert: keepalived log line, an advert at once, GARP now and after garp_lower_prio_delay', () => {
  const i = master({ priority: 255 });
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 100), src: PEER }, millis(500));
  assert.deepEqual(ofType(out, 'log').map((l) => l.msg), ['(VI_1) Received advert from 10.0.0.2 with lower priority 100, ours 255, forcing new election']);
  assert.equal(ofType(out, 'send')[0]!.advert.priority, 255);
  assert.deepEqual(ofType(out, 'announce'), [{ type: 'announce', count: 5, reason: 'lowerPriority' }]);
  assert.equal(i.deadline('advert'), 1500); // the answer counts as this interval's advert
  assert.equal(i.deadline('lowerPrioGarp'), 5500);
  const later = i.handle({ type: 'timeout' }, millis(5500));
  assert.ok(ofType(later, 'announce').some((a) => a.reason === 'lowerPriority' && a.count === 5));
  assert.equal(i.state, 'MASTER');
});

test('lower_prio_no_advert: no answering advert and no "forcing new election", GARPs still sent', () => {
  const garp: GarpConfig = { masterDelayMs: millis(5000), masterRepeat: 5, masterRefreshMs: null, masterRefreshRepeat: 1, lowerPrioDelayMs: millis(2000), lowerPrioRepeat: 2 };
  const i = master({ priority: 255, lowerPrioNoAdvert: true, garp });
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 100), src: PEER }, millis(500));
  assert.equal(ofType(out, 'send').length, 0);
  assert.equal(ofType(out, 'log')[0]!.msg, '(VI_1) Received advert from 10.0.0.2 with lower priority 100, ours 255');
  assert.deepEqual(ofType(out, 'announce'), [{ type: 'announce', count: 2, reason: 'lowerPriority' }]);
  assert.equal(i.deadline('lowerPrioGarp'), 2500);
  assert.equal(i.deadline('advert'), 1000);
});

test('higher-priority advert: MASTER -> BACKUP, VIPs removed (exit action), transition, Master_Down armed, no priority 0 sent', () => {
  const i = master({ priority: 100 });
  // MASTER at t=0 (see master()); its next advert is due at 1000
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(500));
  assert.equal(i.state, 'BACKUP');
  assert.deepEqual(out.filter((a) => a.type !== 'log').map((a) => a.type), ['removeVips', 'transition']);
  assert.equal(ofType(out, 'log')[0]!.msg, '(VI_1) Master received advert from 10.0.0.2 with higher priority 150, ours 100');
  assert.equal(ofType(out, 'transition')[0]!.reason, 'higherPriorityAdvert');
  assert.equal(i.deadline('masterDown'), 500 + 3609.375);
  assert.equal(i.deadline('garpDelay'), null);
});

test('higher_prio_send_advert: one last advert before yielding', () => {
  const i = master({ priority: 100, higherPrioSendAdvert: true });
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 150), src: PEER }, millis(500));
  assert.deepEqual(out.filter((a) => a.type !== 'log').map((a) => a.type), ['send', 'removeVips', 'transition']);
  assert.equal(ofType(out, 'send')[0]!.advert.priority, 100);
});

test('equal priority between two MASTERs: the higher primary address wins', () => {
  const low = master({ priority: 100, primaryAddress: '10.0.0.1' });
  const out = low.handle({ type: 'advert', advert: advertOf(peer, 100), src: '10.0.0.2' }, millis(1100));
  assert.equal(low.state, 'BACKUP');
  assert.match(ofType(out, 'log')[0]!.msg, /same priority 100 but higher IP address than ours/);
  const high = master({ priority: 100, primaryAddress: '10.0.0.3' });
  high.handle({ type: 'advert', advert: advertOf(peer, 100), src: '10.0.0.2' }, millis(1100));
  assert.equal(high.state, 'MASTER');
});

test('a MASTER answers a priority 0 advert with an advert', () => {
  const i = master({ priority: 255 });
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 0), src: PEER }, millis(300));
  assert.equal(ofType(out, 'send').length, 1);
  assert.equal(i.deadline('advert'), 1300);
  assert.equal(i.stats.priorityZeroReceived, 1);
});

test('two owners: keepalived reports a configuration error and drops ours to 254, then yields', () => {
  const i = master({ priority: 255 });
  const out = i.handle({ type: 'advert', advert: advertOf(peer, 255), src: PEER }, millis(300));
  assert.match(ofType(out, 'log')[0]!.msg, /CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner/);
  assert.equal(i.effectivePriority, 254);
  assert.equal(i.state, 'BACKUP');
});

test('shutdown of a MASTER: priority 0 advert, then VIPs removed, then STOP with no timers', () => {
  const i = master({ priority: 255 });
  const out = i.handle({ type: 'shutdown' }, millis(700));
  assert.deepEqual(out.map((a) => a.type), ['send', 'removeVips', 'transition']);
  assert.equal(ofType(out, 'send')[0]!.advert.priority, 0);
  assert.equal(i.state, 'STOP');
  assert.equal(i.nextDeadline(), null);
  assert.equal(i.stats.priorityZeroSent, 1);
  assert.deepEqual(i.handle({ type: 'timeout' }, millis(5000)), []);
  assert.deepEqual(i.handle({ type: 'shutdown' }, millis(5000)), []);
});

test('GARP schedule: burst on entry, second burst after garp_master_delay, refresh every garp_master_refresh', () => {
  const garp: GarpConfig = { masterDelayMs: millis(5000), masterRepeat: 3, masterRefreshMs: millis(60_000), masterRefreshRepeat: 2, lowerPrioDelayMs: null, lowerPrioRepeat: null };
  const i = master({ priority: 255, garp });
  const seen: Array<[number, string, number]> = [];
  for (let t = 1000; t <= 130_000; t += 1000) {
    for (const a of ofType(i.handle({ type: 'timeout' }, millis(t)), 'announce')) seen.push([t, a.reason, a.count]);
  }
  assert.deepEqual(seen, [[5000, 'delayed', 3], [60_000, 'refresh', 2], [120_000, 'refresh', 2]]);
});

test('a priority change while MASTER is carried by the next advert', () => {
  const i = master({ priority: 100, trackers: [{ id: 'chk', weight: -10, reverse: false }] });
  i.handle({ type: 'tracker', id: 'chk', up: false }, millis(1100));
  const out = i.handle({ type: 'timeout' }, millis(i.deadline('advert')!));
  assert.equal(ofType(out, 'send')[0]!.advert.priority, 90);
});

test('the sent advert carries the v2 PASS password (first 8 bytes); v3 never carries auth', () => {
  const v2 = master({ priority: 255, auth: { type: 'pass', password: 'longpassword' } });
  const a2 = ofType(v2.handle({ type: 'timeout' }, millis(1000)), 'send')[0]!.advert;
  assert.equal(a2.authType, 1);
  assert.equal(a2.authData, 'longpass');
  assert.equal(a2.advertIntervalCs, 100);
  const v3 = master({ priority: 255, version: 3, auth: { type: 'pass', password: 'secret' } });
  const a3 = ofType(v3.handle({ type: 'timeout' }, millis(1000)), 'send')[0]!.advert;
  assert.equal(a3.authType, 0);
  assert.equal(a3.authData, '');
});
