// Every drop reason the core decides: one drop action carrying keepalived's words, one counter,
// and the instance's timers untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import { Router } from '../../src/vrrp/router.ts';
import type { Advert, DropReason } from '../../src/vrrp/advert.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import { advertOf, makeConfig, ofType } from '../lib/pair.ts';

const base = { name: 'VI_1', primaryAddress: '10.0.0.1', advertAddresses: ['10.0.0.100', '10.0.0.101'] } as const;

function expectDrop(over: Partial<InstanceConfig>, advert: (c: InstanceConfig) => Advert, src: string, reason: DropReason, msg: RegExp): void {
  const config = makeConfig({ ...base, ...over });
  const i = new Instance(config);
  i.handle({ type: 'start' }, millis(0));
  const before = i.nextDeadline();
  const out = i.handle({ type: 'advert', advert: advert(config), src }, millis(100));
  const drops = ofType(out, 'drop');
  assert.deepEqual(drops.map((d) => ({ ...d, msg: '' })), [{ type: 'drop', reason, src, msg: '' }]);
  assert.match(drops[0]!.msg!, msg);
  assert.equal(ofType(out, 'log').length, 0, 'the words travel with the drop (rate-limited at the edge), not as a log action');
  assert.equal(i.stats.drops[reason], 1);
  assert.equal(i.stats.advertisementsReceived, 0);
  assert.equal(i.nextDeadline(), before, 'a dropped advert must not reset Master_Down');
}

test('ownAdvert: our own primary address as source', () => {
  expectDrop({}, (c) => advertOf(c, 200), '10.0.0.1', 'ownAdvert', /own advert/);
});

test('versionMismatch', () => {
  expectDrop({ version: 3 }, (c) => advertOf(c, 200, { version: 2 }), '10.0.0.2', 'versionMismatch', /\(VI_1\) wrong version\. Received 2 and expect 3/);
});

test('authTypeMismatch (v2)', () => {
  expectDrop({ auth: { type: 'pass', password: 'secret' } }, (c) => advertOf(c, 200, { authType: 0, authData: '' }), '10.0.0.2', 'authTypeMismatch', /received a 0 auth, expecting 1!/);
});

test('authMismatch (v2 PASS): wrong password; only the first 8 bytes count', () => {
  expectDrop({ auth: { type: 'pass', password: 'secret' } }, (c) => advertOf(c, 200, { authData: 'Secret' }), '10.0.0.2', 'authMismatch', /received an invalid passwd!/);
  const c = makeConfig({ ...base, auth: { type: 'pass', password: 'longpassword' } });
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  const out = i.handle({ type: 'advert', advert: advertOf(c, 200, { authData: 'longpass\0' }), src: '10.0.0.2' }, millis(1));
  assert.equal(ofType(out, 'drop').length, 0);
});

test('intervalMismatch (v2 only; v3 learns the interval instead)', () => {
  expectDrop({}, (c) => advertOf(c, 200, { advertIntervalCs: 200 as never }), '10.0.0.2', 'intervalMismatch', /advertisement interval mismatch mine=1 sec rcv'd=2 sec/);
  const c = makeConfig({ ...base, version: 3 });
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  assert.equal(ofType(i.handle({ type: 'advert', advert: advertOf(c, 200, { advertIntervalCs: 200 as never }), src: '10.0.0.2' }, millis(1)), 'drop').length, 0);
});

test('addressListMismatch: count, then a missing address', () => {
  expectDrop({}, (c) => advertOf(c, 200, { addresses: ['10.0.0.100'] }), '10.0.0.2', 'addressListMismatch', /received an unexpected ip number count 1, expected 2!/);
  expectDrop({}, (c) => advertOf(c, 200, { addresses: ['10.0.0.100', '10.0.0.102'] }), '10.0.0.2', 'addressListMismatch', /ip address associated with VRID 51 not present in MASTER advert: 10\.0\.0\.101/);
});

test('skip_check_adv_addr: the list is checked on the first advert of a master, not on later ones', () => {
  const c = makeConfig({ ...base, skipCheckAdvAddr: true });
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  const bad = advertOf(c, 200, { addresses: ['10.9.9.9'] });
  assert.equal(ofType(i.handle({ type: 'advert', advert: bad, src: '10.0.0.2' }, millis(1)), 'drop').length, 1);
  i.handle({ type: 'advert', advert: advertOf(c, 200), src: '10.0.0.2' }, millis(2));
  assert.equal(ofType(i.handle({ type: 'advert', advert: bad, src: '10.0.0.2' }, millis(3)), 'drop').length, 0);
  assert.equal(ofType(i.handle({ type: 'advert', advert: bad, src: '10.0.0.3' }, millis(4)), 'drop').length, 1);
});

test('unicastSrcUnknown with check_unicast_src; ignored without it', () => {
  const over = { unicastPeers: ['10.0.0.2'], checkUnicastSrc: true };
  expectDrop(over, (c) => advertOf(c, 200), '10.0.0.3', 'unicastSrcUnknown', /unicast source address 10\.0\.0\.3 not a unicast peer/);
  const c = makeConfig({ ...base, unicastPeers: ['10.0.0.2'] });
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  assert.equal(ofType(i.handle({ type: 'advert', advert: advertOf(c, 200), src: '10.0.0.3' }, millis(1)), 'drop').length, 0);
});

test('a MASTER applies the same checks (address list always checked)', () => {
  const c = makeConfig({ ...base, priority: 255, initialState: 'MASTER', skipCheckAdvAddr: true });
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  const out = i.handle({ type: 'advert', advert: advertOf(c, 100, { addresses: ['10.0.0.100'] }), src: '10.0.0.2' }, millis(1));
  assert.equal(ofType(out, 'drop')[0]!.reason, 'addressListMismatch');
  assert.equal(ofType(out, 'send').length, 0);
});

test('unknownVrid: the router drops adverts for no instance, tagged with instance ""', () => {
  const c = makeConfig(base);
  const r = new Router([c], []);
  r.start(millis(0));
  assert.deepEqual(r.receive('eth0', 4, advertOf(c, 100, { vrid: 52 }), '10.0.0.2', millis(1)), [
    { instance: '', action: { type: 'drop', reason: 'unknownVrid', src: '10.0.0.2' } },
  ]);
  assert.deepEqual(r.receive('eth1', 4, advertOf(c, 100), '10.0.0.2', millis(1))[0]!.action, { type: 'drop', reason: 'unknownVrid', src: '10.0.0.2' });
  assert.equal(r.receive('eth0', 4, advertOf(c, 100), '10.0.0.2', millis(1)).some((t) => t.action.type === 'drop'), false);
});

test('adverts in FAULT are ignored without a drop or a counter', () => {
  const c = makeConfig(base);
  const i = new Instance(c);
  i.handle({ type: 'interface', up: false }, millis(0));
  i.handle({ type: 'start' }, millis(0));
  const out = i.handle({ type: 'advert', advert: advertOf(c, 200), src: '10.0.0.2' }, millis(1));
  assert.deepEqual(out.map((a) => a.type), ['log']);
  assert.equal(i.stats.advertisementsReceived, 0);
});

test('intervalZero (v3): Max Adver Int 0 is dropped, in BACKUP and in MASTER, and teaches no interval', () => {
  // Accepted, it would set Master_Adver_Interval to 0 and so Master_Down_Interval to 0:
  // the backup would take over and step down on every advert.
  expectDrop({ version: 3 }, (c) => advertOf(c, 200, { advertIntervalCs: 0 as never }), '10.0.0.2', 'intervalZero',
    /^\(VI_1\) received an advert from 10\.0\.0\.2 with advertisement interval 0 - discarding$/);
  const c = makeConfig({ ...base, version: 3, priority: 255, initialState: 'MASTER' });
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  assert.equal(i.state, 'MASTER');
  const out = i.handle({ type: 'advert', advert: advertOf(c, 255, { advertIntervalCs: 0 as never }), src: '10.0.0.2' }, millis(10));
  assert.deepEqual(ofType(out, 'drop'), [{ type: 'drop', reason: 'intervalZero', src: '10.0.0.2',
    msg: '(VI_1) received an advert from 10.0.0.2 with advertisement interval 0 - discarding' }]);
  assert.equal(i.state, 'MASTER', 'an owner conflict carried by a zero-interval advert is not acted on');
  assert.equal(i.effectivePriority, 255);
  assert.equal(i.masterAdverIntervalMs, 1000);
});

// Found by mutation testing (docs/mutation-testing.md): each of these pins a
// decision no other test made.
const accepted = (c: InstanceConfig, advert: Advert, src = '10.0.0.2'): boolean => {
  const i = new Instance(c);
  i.handle({ type: 'start' }, millis(0));
  const dropped = ofType(i.handle({ type: 'advert', advert, src }, millis(1)), 'drop').length > 0;
  return !dropped && i.stats.advertisementsReceived === 1;
};

test('v2 without authentication ignores the auth data field (RFC 3768 5.3.11)', () => {
  const c = makeConfig({ ...base, version: 2 });
  assert.equal(accepted(c, advertOf(c, 200, { authData: 'junk' })), true);
});

test('PASS: any number of trailing NULs is padding; a leading NUL is part of the password', () => {
  const c = makeConfig({ ...base, auth: { type: 'pass', password: 'pass' } });
  assert.equal(accepted(c, advertOf(c, 200, { authData: 'pass\0\0\0\0' })), true);
  assert.equal(accepted(c, advertOf(c, 200, { authData: '\0pass' })), false);
  assert.equal(accepted(c, advertOf(c, 200, { authData: 'pa\0ss' })), false);
});

test('check_unicast_src without unicast peers checks nothing (keepalived: it applies to unicast only)', () => {
  const c = makeConfig({ ...base, checkUnicastSrc: true });
  assert.equal(accepted(c, advertOf(c, 200), '10.0.0.9'), true);
});

test('peers and VIPs are compared in canonical form: a config may spell an IPv6 address any valid way', () => {
  const c = makeConfig({
    name: 'VI_6', family: 6, version: 3, primaryAddress: 'fe80::1', advertAddresses: ['fd00:0:0::100'],
    unicastPeers: ['FD00:0::2'], checkUnicastSrc: true,
  });
  assert.equal(accepted(c, advertOf(c, 200, { addresses: ['fd00::100'] }), 'fd00::2'), true);
  assert.equal(accepted(c, advertOf(c, 200, { addresses: ['fd00::100'] }), 'fd00::3'), false);
});
