import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import { makeConfig, ofType } from '../lib/pair.ts';

const t0 = millis(1000);

test('owner with state MASTER goes MASTER at once: advert, VIPs, GARP burst, in that order', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 255, initialState: 'MASTER' }));
  const out = i.handle({ type: 'start' }, t0);
  assert.equal(i.state, 'MASTER');
  assert.deepEqual(out.map((a) => a.type), ['transition', 'send', 'addVips', 'announce']);
  assert.deepEqual(out[0], { type: 'transition', from: 'INIT', to: 'MASTER', reason: 'owner', priority: 255 });
  assert.equal(ofType(out, 'send')[0]!.advert.priority, 255);
  assert.deepEqual(ofType(out, 'announce')[0], { type: 'announce', count: 5, reason: 'becameMaster' });
  assert.equal(i.deadline('advert'), t0 + 1000);
  assert.equal(i.deadline('garpDelay'), t0 + 5000);
  assert.equal(i.stats.masterTransitions, 1);
});

test('a BACKUP starts with Master_Down_Interval and becomes MASTER when it runs out', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 100 }));
  const out = i.handle({ type: 'start' }, t0);
  assert.deepEqual(out, [{ type: 'transition', from: 'INIT', to: 'BACKUP', reason: 'startup', priority: 100 }]);
  assert.equal(i.nextDeadline(), t0 + 3609.375);
  assert.deepEqual(i.handle({ type: 'timeout' }, millis(t0 + 3609)), []); // spurious: one ms early
  assert.equal(i.state, 'BACKUP');
  const fired = i.handle({ type: 'timeout' }, millis(t0 + 3610));
  assert.equal(i.state, 'MASTER');
  assert.equal(ofType(fired, 'transition')[0]!.reason, 'masterDown');
});

test('non-owner with state MASTER waits the full Master_Down_Interval, like state BACKUP (keepalived 2.2.7, measured)', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 150, initialState: 'MASTER', version: 3 }));
  i.handle({ type: 'start' }, t0);
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.nextDeadline(), t0 + 3000 + (106 * 1000) / 256);
  assert.equal(i.handle({ type: 'timeout' }, millis(t0 + 3000)).length, 0, 'nothing before the deadline');
  const out = i.handle({ type: 'timeout' }, millis(t0 + 3415));
  assert.equal(ofType(out, 'transition')[0]!.reason, 'masterDown');
  assert.equal(i.state, 'MASTER');
});

test('owner with state BACKUP is an ordinary backup (keepalived: the state hint wins)', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 255, initialState: 'BACKUP' }));
  i.handle({ type: 'start' }, t0);
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.nextDeadline(), t0 + 3000 + 1000 / 256);
});

test('start with the interface down or a weight-0 tracker failed enters FAULT with no timers', () => {
  const a = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' }));
  a.handle({ type: 'interface', up: false }, t0);
  a.handle({ type: 'start' }, t0);
  assert.equal(a.state, 'FAULT');
  assert.equal(a.nextDeadline(), null);
  const b = new Instance(makeConfig({ name: 'VI_2', primaryAddress: '10.0.0.1', trackers: [{ id: 'script:chk', weight: 0, reverse: false }] }));
  b.handle({ type: 'tracker', id: 'script:chk', up: false }, t0);
  b.handle({ type: 'start' }, t0);
  assert.equal(b.state, 'FAULT');
});

test('init_fail: an unreported weight-0 tracker holds the instance in FAULT until it reports up', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', initFail: true, trackers: [{ id: 'script:chk', weight: 0, reverse: false }] }));
  i.handle({ type: 'start' }, t0);
  assert.equal(i.state, 'FAULT');
  const out = i.handle({ type: 'tracker', id: 'script:chk', up: true }, millis(t0 + 10));
  assert.deepEqual(ofType(out, 'transition')[0], { type: 'transition', from: 'FAULT', to: 'BACKUP', reason: 'faultCleared', priority: 100 });
});

test('events before start are remembered but do nothing; start twice is a programmer error', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' }));
  assert.deepEqual(i.handle({ type: 'timeout' }, t0), []);
  i.handle({ type: 'start' }, t0);
  assert.throws(() => i.handle({ type: 'start' }, t0), /start in state BACKUP/);
});

test('time going backwards is a programmer error', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1' }));
  i.handle({ type: 'start' }, t0);
  assert.throws(() => i.handle({ type: 'timeout' }, millis(t0 - 1)), /time went backwards/);
});

test('reload, was MASTER: MASTER at once with reason reload, advert and VIPs, no GARP unless it gained addresses', () => {
  for (const announce of [false, true]) {
    const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 100 }));
    const out = i.handle({ type: 'start', resume: { state: 'MASTER', announce } }, t0);
    assert.equal(i.state, 'MASTER');
    assert.deepEqual(out[0], { type: 'transition', from: 'INIT', to: 'MASTER', reason: 'reload', priority: 100 });
    assert.deepEqual(out.map((a) => a.type), announce ? ['transition', 'send', 'addVips', 'announce'] : ['transition', 'send', 'addVips']);
    assert.equal(i.deadline('advert'), t0 + 1000);
    assert.equal(i.deadline('garpDelay'), announce ? t0 + 5000 : null);
  }
});

test('reload, was BACKUP: BACKUP with reason reload and a fresh Master_Down_Interval', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 100 }));
  const out = i.handle({ type: 'start', resume: { state: 'BACKUP', announce: false } }, t0);
  assert.deepEqual(out, [{ type: 'transition', from: 'INIT', to: 'BACKUP', reason: 'reload', priority: 100 }]);
  assert.equal(i.nextDeadline(), t0 + 3609.375);
});

test('reload into a fault: an instance with its own fault starts in FAULT whatever it was', () => {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 100, trackers: [{ id: 'script:chk', weight: 0, reverse: false }] }));
  i.handle({ type: 'tracker', id: 'script:chk', up: false }, t0);
  const out = i.handle({ type: 'start', resume: { state: 'MASTER', announce: false } }, t0);
  assert.equal(i.state, 'FAULT');
  assert.equal(out.some((a) => a.type === 'addVips'), false);
});
