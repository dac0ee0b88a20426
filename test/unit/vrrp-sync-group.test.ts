import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import { Router } from '../../src/vrrp/router.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import { advertOf, makeConfig } from '../lib/pair.ts';

const vi1 = makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', vrid: 51, ifname: 'eth0', trackers: [{ id: 'script:chk', weight: 0, reverse: false }] });
const vi2 = makeConfig({ name: 'VI_2', primaryAddress: '10.0.1.1', vrid: 52, ifname: 'eth1', advertAddresses: ['10.0.1.100'] });
const group = [{ name: 'G1', members: ['VI_1', 'VI_2'] }];

const transitions = (out: TaggedAction[]) =>
  out.flatMap((t) => (t.action.type === 'transition' ? [`${t.instance}:${t.action.from}>${t.action.to}:${t.action.reason}`] : []));

test('one member to FAULT takes the whole group to FAULT; recovery brings all to BACKUP', () => {
  const r = new Router([vi1, vi2], group);
  r.start(millis(0));
  const out = r.tracker('script:chk', false, millis(100));
  assert.deepEqual(transitions(out), ['VI_1:BACKUP>FAULT:fault', 'VI_2:BACKUP>FAULT:syncGroup']);
  assert.ok(out.some((t) => t.action.type === 'log' && t.action.msg === 'VRRP_Group(G1) Syncing instances to FAULT state'));
  assert.equal(r.nextDeadline(), null);
  const back = r.tracker('script:chk', true, millis(200));
  assert.deepEqual(transitions(back), ['VI_1:FAULT>BACKUP:faultCleared', 'VI_2:FAULT>BACKUP:syncGroup']);
});

test('a member synced into FAULT cannot leave it while another member still has its own fault', () => {
  const a = makeConfig({ ...vi2, trackers: [{ id: 'script:other', weight: 0, reverse: false }] });
  const r = new Router([vi1, a], group);
  r.start(millis(0));
  r.tracker('script:chk', false, millis(1));
  r.tracker('script:other', false, millis(2));
  assert.deepEqual(transitions(r.tracker('script:other', true, millis(3))), []);
  assert.equal(r.instance('VI_2')!.state, 'FAULT');
  assert.deepEqual(transitions(r.tracker('script:chk', true, millis(4))), ['VI_1:FAULT>BACKUP:faultCleared', 'VI_2:FAULT>BACKUP:syncGroup']);
});

test('a member goes MASTER only once every member wants MASTER; then all go together', () => {
  const slow = makeConfig({ ...vi2, priority: 50 }); // longer skew: its Master_Down runs out later
  const r = new Router([vi1, slow], group);
  r.start(millis(0));
  const first = r.timeout(millis(3610)); // VI_1's Master_Down (3609.375) has run out, VI_2's (3804.6875) not
  assert.deepEqual(transitions(first), []);
  assert.equal(r.instance('VI_1')!.wantsMaster, true);
  assert.equal(r.instance('VI_1')!.state, 'BACKUP');
  const second = r.timeout(millis(3805));
  assert.deepEqual(transitions(second), ['VI_2:BACKUP>MASTER:masterDown', 'VI_1:BACKUP>MASTER:syncGroup']);
});

test('a MASTER member yielding to a better router takes the group to BACKUP', () => {
  const r = new Router([{ ...vi1, priority: 255, initialState: 'MASTER' }, { ...vi2, priority: 255, initialState: 'MASTER' }], group);
  const started = r.start(millis(0));
  assert.deepEqual(transitions(started), ['VI_1:INIT>MASTER:owner', 'VI_2:INIT>MASTER:owner']);
  // a remote owner conflict on VI_2 (both 255) demotes ours and we yield
  const peer = makeConfig({ ...vi2, name: 'PEER', primaryAddress: '10.0.1.2' });
  const out = r.receive('eth1', 4, advertOf(peer, 255), '10.0.1.2', millis(10));
  assert.deepEqual(transitions(out), ['VI_2:MASTER>BACKUP:higherPriorityAdvert', 'VI_1:MASTER>BACKUP:syncGroup']);
  assert.ok(out.some((t) => t.instance === 'VI_1' && t.action.type === 'removeVips'));
});

test('higher_prio_send_advert: members the group takes out of MASTER after a yield send their last advert too', () => {
  const sends = (out: TaggedAction[], name: string) => out.filter((t) => t.instance === name && t.action.type === 'send').length;
  const peer = makeConfig({ ...vi2, name: 'PEER', primaryAddress: '10.0.1.2' });
  for (const hpsa of [true, false]) {
    const r = new Router([{ ...vi1, priority: 255, initialState: 'MASTER', higherPrioSendAdvert: hpsa }, { ...vi2, priority: 255, initialState: 'MASTER' }], group);
    r.start(millis(0));
    const out = r.receive('eth1', 4, advertOf(peer, 255), '10.0.1.2', millis(10));
    assert.deepEqual(transitions(out), ['VI_2:MASTER>BACKUP:higherPriorityAdvert', 'VI_1:MASTER>BACKUP:syncGroup']);
    // VI_1's advert goes out before its transition, while it is still MASTER.
    const sendAt = out.findIndex((t) => t.instance === 'VI_1' && t.action.type === 'send');
    const leaveAt = out.findIndex((t) => t.instance === 'VI_1' && t.action.type === 'transition');
    assert.equal(sends(out, 'VI_1'), hpsa ? 1 : 0, `higher_prio_send_advert ${hpsa}`);
    if (hpsa) assert.ok(sendAt < leaveAt);
  }
});

test('without a sync group, members move independently', () => {
  const r = new Router([vi1, vi2], []);
  r.start(millis(0));
  assert.deepEqual(transitions(r.tracker('script:chk', false, millis(100))), ['VI_1:BACKUP>FAULT:fault']);
  assert.equal(r.instance('VI_2')!.state, 'BACKUP');
});

test('router: interface events reach only the instances on that interface; shutdown stops all', () => {
  const r = new Router([vi1, vi2], []);
  r.start(millis(0));
  assert.deepEqual(transitions(r.interface('eth1', false, millis(1))), ['VI_2:BACKUP>FAULT:fault']);
  assert.deepEqual(transitions(r.shutdown(millis(2))), ['VI_1:BACKUP>STOP:shutdown', 'VI_2:FAULT>STOP:shutdown']);
  assert.equal(r.nextDeadline(), null);
});

test('router: duplicate VRID on one interface and family is a configuration bug caught at construction', () => {
  assert.throws(() => new Router([vi1, { ...vi2, name: 'VI_3', ifname: 'eth0', vrid: 51 }], []), /VRID 51 already used on eth0/);
  assert.throws(() => new Router([vi1], [{ name: 'G', members: ['nope'] }]), /unknown instance nope/);
});

test('an address owner whose fault clears goes MASTER and takes its FAULT sibling to MASTER with it (bug 1)', () => {
  const owner = makeConfig({ ...vi1, priority: 255, initialState: 'MASTER' });
  // A group with a non-owner starts BACKUP (keepalived; see the boot tests below) and goes
  // MASTER together once both Master_Downs have run out.
  const r = new Router([owner, vi2], group);
  r.start(millis(0));
  assert.deepEqual(transitions(r.timeout(millis(3700))), ['VI_2:BACKUP>MASTER:masterDown', 'VI_1:BACKUP>MASTER:syncGroup']);
  assert.deepEqual(transitions(r.tracker('script:chk', false, millis(4000))), ['VI_1:MASTER>FAULT:fault', 'VI_2:MASTER>FAULT:syncGroup']);
  const back = r.tracker('script:chk', true, millis(4100));
  // keepalived's vrrp_sync_master: every member not MASTER goes MASTER with the one that did.
  assert.deepEqual(transitions(back), ['VI_1:FAULT>MASTER:owner', 'VI_2:FAULT>MASTER:syncGroup']);
  assert.ok(back.some((t) => t.instance === 'VI_2' && t.action.type === 'addVips'), 'the sibling takes its VIPs back');
  assert.ok(back.some((t) => t.instance === 'VI_2' && t.action.type === 'announce'), 'and announces them');
  assert.equal(r.instance('VI_2')!.deadline('advert'), millis(5100), 'the sibling advertises again');
});

test('an owner cannot leave FAULT while its sibling has a fault of its own; the last to clear takes the group to BACKUP', () => {
  // keepalived's try_up_instance returns while sync->num_member_fault is not 0, so
  // vrrp_sync_master never meets a sibling whose own fault is still present.
  const owner = makeConfig({ ...vi1, priority: 255, initialState: 'MASTER' });
  const sib = makeConfig({ ...vi2, trackers: [{ id: 'script:other', weight: 0, reverse: false }] });
  const r = new Router([owner, sib], group);
  r.start(millis(0));
  r.tracker('script:chk', false, millis(1));
  r.tracker('script:other', false, millis(2));
  assert.deepEqual(transitions(r.tracker('script:chk', true, millis(3))), []);
  assert.equal(r.instance('VI_1')!.state, 'FAULT');
  assert.deepEqual(transitions(r.tracker('script:other', true, millis(4))), ['VI_2:FAULT>BACKUP:faultCleared', 'VI_1:FAULT>BACKUP:syncGroup']);
});

// ---- boot (bug 2): keepalived's vrrp_init_state starts every member from the group's state ----

test('boot: a member starting in FAULT takes the members listed after it to FAULT, and the group stays together', () => {
  for (const initialState of ['BACKUP', 'MASTER'] as const) {
    const a = makeConfig({ ...vi1, initialState });
    const b = makeConfig({ ...vi2, initialState });
    const r = new Router([a, b], group);
    r.interface('eth0', false, millis(0)); // VI_1's link is down before start
    assert.deepEqual(transitions(r.start(millis(0))), ['VI_1:INIT>FAULT:fault', 'VI_2:INIT>FAULT:syncGroup'], `state ${initialState}`);
    assert.equal(r.nextDeadline(), null);
    assert.deepEqual(transitions(r.timeout(millis(10_000))), []);
    assert.equal(r.instance('VI_2')!.state, 'FAULT', `state ${initialState}: the group must not split`);
    assert.deepEqual(transitions(r.interface('eth0', true, millis(10_001))), ['VI_1:FAULT>BACKUP:faultCleared', 'VI_2:FAULT>BACKUP:syncGroup']);
  }
});

test('boot: an address owner with state MASTER in a group with a non-owner starts BACKUP with it (keepalived)', () => {
  // keepalived's vrrp_sync_set_group: the group starts MASTER only when every member is an
  // owner with state MASTER; otherwise BACKUP, and every member starts from it.
  const owner = makeConfig({ ...vi1, priority: 255, initialState: 'MASTER' });
  const r = new Router([owner, vi2], group);
  assert.deepEqual(transitions(r.start(millis(0))), ['VI_1:INIT>BACKUP:startup', 'VI_2:INIT>BACKUP:startup']);
  // Both Master_Downs run out (the owner's first, at 3003.9 ms); then the group goes MASTER together.
  assert.deepEqual(transitions(r.timeout(millis(3700))), ['VI_2:BACKUP>MASTER:masterDown', 'VI_1:BACKUP>MASTER:syncGroup']);
});

test('boot: a group of owners with state MASTER starts MASTER', () => {
  const r = new Router([{ ...vi1, priority: 255, initialState: 'MASTER' }, { ...vi2, priority: 255, initialState: 'MASTER' }], group);
  assert.deepEqual(transitions(r.start(millis(0))), ['VI_1:INIT>MASTER:owner', 'VI_2:INIT>MASTER:owner']);
});

test('a lower-priority advert showing a second master re-announces every MASTER member\'s VIPs (keepalived 2.2 vrrp_state_master_rx)', () => {
  const r = new Router([{ ...vi1, priority: 255, initialState: 'MASTER' }, { ...vi2, priority: 255, initialState: 'MASTER' }], group);
  r.start(millis(0));
  const peer = makeConfig({ ...vi1, name: 'PEER', primaryAddress: '10.0.0.2' });
  const out = r.receive('eth0', 4, advertOf(peer, 100), '10.0.0.2', millis(10));
  const announces = out.flatMap((t) => (t.action.type === 'announce' ? [`${t.instance}:${t.action.reason}:${t.action.count}`] : []));
  assert.deepEqual(announces, ['VI_1:lowerPriority:5', 'VI_2:lowerPriority:5']);
  // and each repeats garp_lower_prio_delay later (default: garp_master_delay, 5 s)
  assert.equal(r.instance('VI_2')!.deadline('lowerPrioGarp'), millis(5010));
  const later = r.timeout(millis(5010));
  assert.deepEqual(later.flatMap((t) => (t.action.type === 'announce' && t.action.reason === 'lowerPriority' ? [t.instance] : [])).sort(), ['VI_1', 'VI_2']);
});

test('the re-announce reaches only members holding their VIPs, and not without a sync group', () => {
  const peer = makeConfig({ ...vi1, name: 'PEER', primaryAddress: '10.0.0.2' });
  const alone = new Router([{ ...vi1, priority: 255, initialState: 'MASTER' }, { ...vi2, priority: 255, initialState: 'MASTER' }], []);
  alone.start(millis(0));
  const out = alone.receive('eth0', 4, advertOf(peer, 100), '10.0.0.2', millis(10));
  assert.deepEqual(out.filter((t) => t.action.type === 'announce').map((t) => t.instance), ['VI_1']);
  // garp_lower_prio_repeat 0 on the sibling: nothing from it (keepalived skips it too)
  const quiet = { ...vi2, priority: 255, initialState: 'MASTER' as const, garp: { ...vi2.garp, lowerPrioRepeat: 0 } };
  const r = new Router([{ ...vi1, priority: 255, initialState: 'MASTER' }, quiet], group);
  r.start(millis(0));
  const out2 = r.receive('eth0', 4, advertOf(peer, 100), '10.0.0.2', millis(10));
  assert.deepEqual(out2.filter((t) => t.action.type === 'announce').map((t) => t.instance), ['VI_1']);
});

test('the re-announce after a stall: a sibling whose own timers expired meanwhile fires them too (swarm seed 29)', () => {
  const r = new Router([{ ...vi1, priority: 255, initialState: 'MASTER' }, { ...vi2, priority: 255, initialState: 'MASTER' }], group);
  r.start(millis(0));
  const peer = makeConfig({ ...vi1, name: 'PEER', primaryAddress: '10.0.0.2' });
  // Both adverts were due at 1000 ms; the loop was blocked until 5000 ms, and VI_1's queued advert is read first.
  const out = r.receive('eth0', 4, advertOf(peer, 100), '10.0.0.2', millis(5000));
  assert.ok(out.some((t) => t.instance === 'VI_2' && t.action.type === 'send'), 'VI_2 sends its late advert');
  assert.equal(r.instance('VI_2')!.deadline('advert'), millis(6000));
});
