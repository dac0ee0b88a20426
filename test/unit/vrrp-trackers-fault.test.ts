import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import { makeConfig, ofType } from '../lib/pair.ts';

function started(over: Partial<InstanceConfig>): Instance {
  const i = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', ...over }));
  i.handle({ type: 'start' }, millis(0));
  return i;
}

test('weight-0 tracker failing: BACKUP -> FAULT, no timers; recovery -> BACKUP with a fresh Master_Down', () => {
  const i = started({ trackers: [{ id: 'script:chk', weight: 0, reverse: false }] });
  const out = i.handle({ type: 'tracker', id: 'script:chk', up: false }, millis(500));
  assert.deepEqual(ofType(out, 'transition')[0], { type: 'transition', from: 'BACKUP', to: 'FAULT', reason: 'fault', priority: 100 });
  assert.equal(ofType(out, 'log')[0]!.msg, '(VI_1) entering FAULT state (tracker script:chk failed)');
  assert.equal(i.nextDeadline(), null);
  i.handle({ type: 'tracker', id: 'script:chk', up: true }, millis(9000));
  assert.equal(i.state, 'BACKUP');
  assert.equal(i.deadline('masterDown'), 9000 + 3609.375);
});

test('MASTER -> FAULT sends priority 0 and removes its VIPs', () => {
  const i = started({ priority: 255, initialState: 'MASTER', trackers: [{ id: 'if', weight: 0, reverse: false }] });
  const out = i.handle({ type: 'tracker', id: 'if', up: false }, millis(500));
  assert.deepEqual(out.filter((a) => a.type !== 'log').map((a) => a.type), ['send', 'removeVips', 'transition']);
  assert.equal(ofType(out, 'send')[0]!.advert.priority, 0);
  assert.equal(i.state, 'FAULT');
});

test('an owner with state MASTER leaving FAULT goes straight to MASTER (keepalived try_up_instance)', () => {
  const i = started({ priority: 255, initialState: 'MASTER' });
  i.handle({ type: 'interface', up: false }, millis(500));
  assert.equal(i.state, 'FAULT');
  const out = i.handle({ type: 'interface', up: true }, millis(800));
  assert.equal(ofType(out, 'transition')[0]!.reason, 'owner');
  assert.equal(i.state, 'MASTER');
});

test('interface down faults unless dont_track_primary', () => {
  const a = started({});
  a.handle({ type: 'interface', up: false }, millis(1));
  assert.equal(a.state, 'FAULT');
  const b = started({ dontTrackPrimary: true });
  b.handle({ type: 'interface', up: false }, millis(1));
  assert.equal(b.state, 'BACKUP');
});

test('two faults: recovery needs both cleared', () => {
  const i = started({ trackers: [{ id: 'a', weight: 0, reverse: false }] });
  i.handle({ type: 'tracker', id: 'a', up: false }, millis(1));
  i.handle({ type: 'interface', up: false }, millis(2));
  i.handle({ type: 'tracker', id: 'a', up: true }, millis(3));
  assert.equal(i.state, 'FAULT');
  i.handle({ type: 'interface', up: true }, millis(4));
  assert.equal(i.state, 'BACKUP');
});

test('weight 0 reverse: faulted while the tracker is up', () => {
  const i = started({ trackers: [{ id: 'file:/run/maint', weight: 0, reverse: true }] });
  i.handle({ type: 'tracker', id: 'file:/run/maint', up: true }, millis(1));
  assert.equal(i.state, 'FAULT');
  i.handle({ type: 'tracker', id: 'file:/run/maint', up: false }, millis(2));
  assert.equal(i.state, 'BACKUP');
});

test('an owner is never moved by weighted trackers', () => {
  const i = started({ priority: 255, initialState: 'MASTER', trackers: [{ id: 'chk', weight: -50, reverse: false }] });
  const out = i.handle({ type: 'tracker', id: 'chk', up: false }, millis(1));
  assert.equal(i.effectivePriority, 255);
  assert.equal(ofType(out, 'log').length, 0);
});

test('repeated identical tracker reports change nothing (derived, not accumulated)', () => {
  const i = started({ trackers: [{ id: 'chk', weight: -10, reverse: false }] });
  for (let t = 1; t <= 5; t++) i.handle({ type: 'tracker', id: 'chk', up: false }, millis(t));
  assert.equal(i.effectivePriority, 90);
  for (let t = 6; t <= 9; t++) i.handle({ type: 'tracker', id: 'chk', up: true }, millis(t));
  assert.equal(i.effectivePriority, 100);
});
