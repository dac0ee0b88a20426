// A MASTER that leaves while its GARPs still wait behind vrrp_garp_interval
// drops the rest at once, and gives its VIPs up at once: a late GARP from
// the old master would pull clients back to a router that no longer answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { waitFor } from '../lib/lab.ts';
import { config, type InstanceOptions } from '../lib/conf.ts';
import { Capture, isGarpFor } from '../lib/capture.ts';

const VIPS = ['10.75.0.100', '10.75.0.101', '10.75.0.102'];

test('leaving MASTER cancels the GARPs still queued (vrrp_garp_interval) and removes the VIPs without waiting for them', async () => {
  const v = createVrrpLab('gc', 2, 75);
  let cap: Capture | null = null;
  try {
    // 3 VIPs x garp_master_repeat 5, one GARP per 0.5 s: a 7.5 s train, long
    // enough that r2 preempts in the middle of it even when its start-up is slow
    // on a loaded machine (0.7 s seen).
    const inst = (priority: number): InstanceOptions => ({ priority, version: 3, advertInt: '0.1', vips: VIPS.map((a) => `${a}/24`), extra: ['garp_master_repeat 5', 'garp_master_delay 0'] });
    cap = await Capture.start(v.lab, 'client', 'arp');
    const r1 = v.start('r1', config('r1', [inst(100)], ['vrrp_garp_interval 0.5']));
    await waitFor('r1 MASTER', () => r1.state() === 'MASTER', 10_000);
    await new Promise((r) => setTimeout(r, 400));
    // r2 (150) preempts after its Master_Down_Interval (≈ 0.32 s): r1 leaves with most of its train queued.
    const mark = r1.lines.length;
    v.start('r2', config('r2', [inst(150)], ['vrrp_garp_interval 0.5']));
    await r1.waitForLine(/\(VI_1\) Entering BACKUP STATE/, 10_000, mark);
    const left = performance.now();
    const cancelledLine = await r1.waitForLine(/\(VI_1\) \d+ queued gratuitous ARP\/NA cancelled/, 2000, mark);
    const cancelled = Number(/\) (\d+) queued/.exec(cancelledLine.text)![1]);
    for (const vip of VIPS) await v.waitVip('r1', vip, false, 3000);
    assert.ok(performance.now() - left < 1000, `r1 gave its VIPs up ${(performance.now() - left).toFixed(0)} ms after leaving MASTER`);
    await new Promise((r) => setTimeout(r, 7500)); // past the end of r1's train had it run on
    const mac = v.mac('r1').split(':').map((h) => parseInt(h, 16));
    const fromR1 = (await cap.stop()).filter((f) => VIPS.some((vip) => isGarpFor(f.data, vip)) && mac.every((b, i) => f.data[6 + i] === b));
    // Every GARP of the train was either sent before r1 left or cancelled: none
    // of the cancelled ones went out later.
    assert.ok(cancelled >= 1, `r1 cancelled ${cancelled} GARPs`);
    assert.equal(fromR1.length + cancelled, 15, `r1 sent ${fromR1.length} and cancelled ${cancelled} of its 15 GARPs`);
  } finally {
    cap?.dispose();
    v.cleanup();
  }
});
