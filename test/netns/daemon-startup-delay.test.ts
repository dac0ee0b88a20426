// global_defs vrrp_startup_delay: no VRRP until the delay is over, logged in
// keepalived's words; a stop signal during the delay is not held up by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';

const MASTER = /\(VI_1\) Entering MASTER STATE/;
const inst = { priority: 150, version: 3 as const, advertInt: '0.1', vips: ['10.87.0.100/24'] };

test('vrrp_startup_delay 1.5: MASTER no sooner than 1.5 s after the delay starts; the VIP only then', async () => {
  const v = createVrrpLab('sd', 1, 87);
  try {
    const r1 = v.start('r1', config('r1', [inst], ['vrrp_startup_delay 1.5']));
    const delayed = await r1.waitForLine(/Delaying startup for 1\.5 seconds/, 10_000);
    assert.equal(v.hasVip('r1', '10.87.0.100'), false);
    const master = await r1.waitForLine(MASTER, 10_000);
    // Without the delay, MASTER comes one Master_Down_Interval (≈ 0.34 s) after start-up.
    assert.ok(master.at - delayed.at >= 1500, `MASTER ${(master.at - delayed.at).toFixed(0)} ms after the delay began`);
    await v.waitVip('r1', '10.87.0.100');
  } finally {
    v.cleanup();
  }
});

test('SIGTERM during a 30 s vrrp_startup_delay stops the daemon at once, exit 0, no VIP ever added', async () => {
  const v = createVrrpLab('sdt', 1, 88);
  try {
    const r1 = v.start('r1', config('r1', [{ ...inst, vips: ['10.88.0.100/24'] }], ['vrrp_startup_delay 30']));
    await r1.waitForLine(/Delaying startup for 30 seconds/, 10_000);
    const t0 = performance.now();
    r1.signal('SIGTERM');
    assert.equal(await r1.exited(5000), 0, r1.log());
    assert.ok(performance.now() - t0 < 2000, `stopped after ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(r1.lines.some((l) => MASTER.test(l.text)), false, r1.log());
    assert.equal(v.hasVip('r1', '10.88.0.100'), false);
  } finally {
    v.cleanup();
  }
});
