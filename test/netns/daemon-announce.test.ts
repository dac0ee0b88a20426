// Gratuitous ARP through the daemon, counted on the wire at the client: the
// burst on becoming MASTER, the second burst garp_master_delay later, the
// garp_master_refresh bursts after, and vrrp_garp_interval between the GARPs
// of one burst (keepalived.conf(5): garp_master_delay, _repeat, _refresh and
// _refresh_repeat per instance; vrrp_garp_interval in global_defs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';
import { Capture, bursts, isGarpFor } from '../lib/capture.ts';

const VIP = '10.104.0.100';

test('GARP schedule: 3 at takeover, 3 more garp_master_delay (1 s) later, then 2 every garp_master_refresh (2 s); spaced by vrrp_garp_interval (50 ms)', async (t) => {
  const v = createVrrpLab('an', 1, 104);
  let cap: Capture | null = null;
  try {
    const repeat = 3;
    const delayMs = 1000;
    const refreshMs = 2000;
    const refreshRepeat = 2;
    const intervalMs = 50;
    cap = await Capture.start(v.lab, 'client', 'arp');
    const r1 = v.start('r1', config('r1', [{
      priority: 150, vips: [`${VIP}/24`], version: 3,
      extra: [`garp_master_delay ${delayMs / 1000}`, `garp_master_repeat ${repeat}`,
        `garp_master_refresh ${refreshMs / 1000}`, `garp_master_refresh_repeat ${refreshRepeat}`],
    }], [`vrrp_garp_interval ${intervalMs / 1000}`]));
    await waitFor('r1 MASTER', () => r1.state() === 'MASTER', 10_000);
    // Up to just past the second refresh (4 s) and before the third (6 s).
    await new Promise((r) => setTimeout(r, 2 * refreshMs + 700));
    const mac = v.mac('r1').split(':').map((h) => parseInt(h, 16));
    const garps = (await cap.stop()).filter((f) => isGarpFor(f.data, VIP));
    assert.ok(garps.every((f) => mac.every((b, i) => f.data[6 + i] === b)), 'every GARP comes from r1\'s MAC');
    // A burst ends where the gap exceeds 300 ms: 6× the spacing, under a third of the delay.
    const groups = bursts(garps.map((f) => f.timeUs), 300_000);
    const first = groups[0]?.[0] ?? 0;
    const shape = groups.map((g) => ({ atMs: Math.round((g[0]! - first) / 1000), count: g.length }));
    t.diagnostic(`bursts: ${JSON.stringify(shape)}`);
    assert.deepEqual(shape.map((b) => b.count), [repeat, repeat, refreshRepeat, refreshRepeat], `burst sizes ${JSON.stringify(shape)}`);
    // Each burst starts on schedule: not early, and at most 400 ms late on a loaded machine.
    const expectedMs = [0, delayMs, refreshMs, 2 * refreshMs];
    shape.forEach((b, i) => {
      assert.ok(b.atMs >= expectedMs[i]! - 50 && b.atMs <= expectedMs[i]! + 400, `burst ${i} at ${b.atMs} ms, expected ${expectedMs[i]} ms`);
    });
    // Within a burst, vrrp_garp_interval apart (5 ms slack for receive-path jitter).
    for (const g of groups) {
      for (let i = 1; i < g.length; i++) {
        const gapMs = (g[i]! - g[i - 1]!) / 1000;
        assert.ok(gapMs >= intervalMs - 5, `GARPs ${gapMs.toFixed(1)} ms apart; vrrp_garp_interval is ${intervalMs} ms`);
      }
    }
  } finally {
    cap?.dispose();
    v.cleanup();
  }
});
