import { test } from 'node:test';
import assert from 'node:assert/strict';
import { millis } from '../../src/base/units.ts';
import { masterDownIntervalMs, remoteWins, skewTimeMs } from '../../src/vrrp/election.ts';
import { TimerTable } from '../../src/vrrp/timers.ts';

test('v2 Skew_Time is (256 - priority)/256 s, whatever the interval', () => {
  assert.equal(skewTimeMs(2, 100, millis(1000)), 609.375);
  assert.equal(skewTimeMs(2, 100, millis(5000)), 609.375);
  assert.equal(skewTimeMs(2, 255, millis(1000)), 1000 / 256);
});

test('v3 Skew_Time is ((256 - priority) * Master_Adver_Interval)/256', () => {
  assert.equal(skewTimeMs(3, 100, millis(1000)), 609.375);
  assert.equal(skewTimeMs(3, 100, millis(500)), 304.6875);
  assert.equal(skewTimeMs(3, 200, millis(2000)), 437.5);
});

test('Master_Down_Interval = down_timer_adverts x Master_Adver_Interval + Skew_Time', () => {
  assert.equal(masterDownIntervalMs(2, 100, millis(1000), 3), 3609.375);
  assert.equal(masterDownIntervalMs(3, 100, millis(500), 3), 1804.6875);
  assert.equal(masterDownIntervalMs(3, 100, millis(500), 5), 2804.6875);
});

test('remote wins on higher priority, or equal priority and higher address', () => {
  assert.equal(remoteWins(101, '10.0.0.1', 100, '10.0.0.2'), true);
  assert.equal(remoteWins(99, '10.0.0.9', 100, '10.0.0.2'), false);
  assert.equal(remoteWins(100, '10.0.0.3', 100, '10.0.0.2'), true);
  assert.equal(remoteWins(100, '10.0.0.1', 100, '10.0.0.2'), false);
  // numeric, not lexical, comparison
  assert.equal(remoteWins(100, '10.0.0.10', 100, '10.0.0.9'), true);
  assert.equal(remoteWins(100, 'fd00::10', 100, 'fd00::9'), true);
});

test('timer slots: set replaces, due does not clear, next is the earliest armed', () => {
  const t = new TimerTable();
  assert.equal(t.next(), null);
  t.set('masterDown', millis(300));
  t.set('masterDown', millis(200));
  t.set('garpDelay', millis(250));
  assert.equal(t.next(), 200);
  assert.equal(t.due('masterDown', millis(199)), false);
  assert.equal(t.due('masterDown', millis(200)), true);
  assert.equal(t.armed('masterDown'), true);
  t.clear('masterDown');
  assert.equal(t.next(), 250);
  assert.equal(t.due('advert', millis(1e12)), false);
  t.clearAll();
  assert.deepEqual(t.entries(), []);
  assert.throws(() => t.set('advert', millis(Number.NaN)));
});
