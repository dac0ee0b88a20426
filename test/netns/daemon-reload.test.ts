// SIGHUP applies a new configuration as keepalived does: instances that exist
// in both carry on in their state — no "Entering" line, no priority 0, the
// VIPs of a MASTER never leave — with only what changed applied; removed
// instances stop gracefully, new ones start; script results carry over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVrrpLab, type VrrpLab } from '../lib/vrrp-lab.ts';
import { waitFor } from '../lib/lab.ts';
import { config, type InstanceOptions } from '../lib/conf.ts';
import type { DaemonProc } from '../lib/daemon-proc.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MASTER = /\(VI_1\) Entering MASTER STATE/;

async function pair(v: VrrpLab, r1conf: string, r2conf: string): Promise<{ r1: DaemonProc; r2: DaemonProc }> {
  const r1 = v.start('r1', r1conf);
  await r1.waitForLine(MASTER, 10_000);
  const r2 = v.start('r2', r2conf);
  await waitFor('r2 BACKUP', () => r2.state() === 'BACKUP', 10_000);
  return { r1, r2 };
}

function reload(p: DaemonProc, conf: string): number {
  writeFileSync(join(p.dir, 'keepalived.conf'), conf);
  const mark = p.lines.length;
  p.signal('SIGHUP');
  return mark;
}

test('reload of a MASTER: it carries on silently, its VIP never leaves, eVIPs follow the new config, the peer never notices', async () => {
  const v = createVrrpLab('rl', 2, 79);
  try {
    const vip = '10.79.0.100';
    // advert_int 0.5 (r2's Master_Down_Interval ≈ 1.8 s): what is tested is that
    // the reload carries the state over, not how fast it is on a loaded CI
    // machine (scripts/bench/reload.ts measures that: a few ms).
    const inst = (priority: number, evip: string): InstanceOptions => ({ priority, version: 3, advertInt: '0.5', vips: [`${vip}/24`], extra: ['virtual_ipaddress_excluded {', `  ${evip}/24`, '}'] });
    const { r1, r2 } = await pair(v, config('r1', [inst(150, '10.79.1.1')]), config('r2', [inst(100, '10.79.1.1')]));
    await v.waitVip('r1', '10.79.1.1');
    // Watch the VIP through the reload, every few milliseconds.
    let missing = 0;
    let watching = true;
    const watcher = (async () => { while (watching) { if (!v.hasVip('r1', vip)) missing++; await sleep(2); } })();
    const m2 = r2.lines.length;
    const m1 = reload(r1, config('r1', [inst(150, '10.79.2.2')]));
    await r1.waitForLine(/Reload complete/, 10_000, m1);
    await sleep(2000); // 4 advert intervals after the reload
    watching = false;
    await watcher;
    assert.equal(missing, 0, 'the VIP was absent during the reload');
    assert.deepEqual([...r1.stateLines(m1), ...r2.stateLines(m2)], [], 'no state change on either side');
    assert.equal(r1.state(), 'MASTER');
    assert.equal(v.hasVip('r1', '10.79.1.1'), false, 'the eVIP no longer configured is removed');
    assert.equal(v.hasVip('r1', '10.79.2.2'), true, 'the new eVIP is added');
    assert.equal(v.hasVip('r2', vip), false);
  } finally {
    v.cleanup();
  }
});

test('reload of a BACKUP applies its new priority: 100 -> 200 preempts the master', async () => {
  const v = createVrrpLab('rb', 2, 78);
  try {
    const vip = '10.78.0.100';
    const inst = (priority: number): InstanceOptions => ({ priority, version: 3, advertInt: '0.1', vips: [`${vip}/24`] });
    const { r1, r2 } = await pair(v, config('r1', [inst(150)]), config('r2', [inst(100)]));
    const m1 = r1.lines.length;
    const m2 = reload(r2, config('r2', [inst(200)]));
    await r2.waitForLine(/Reload complete/, 10_000, m2);
    await r2.waitForLine(MASTER, 5000, m2);
    await waitFor('r1 BACKUP', () => r1.state() === 'BACKUP', 5000);
    await v.waitVip('r2', vip);
    await v.waitVip('r1', vip, false);
    assert.equal(r1.stateLines(m1).length, 1, r1.log());
  } finally {
    v.cleanup();
  }
});

test('reload that removes the MASTER instance: it stops with priority 0 (the peer takes over at once) and a new instance starts', async () => {
  const v = createVrrpLab('rr', 2, 77);
  try {
    const vip = '10.77.0.100';
    // advert_int 1: the peer's Master_Down_Interval is 3.6 s, Skew_Time 0.6 s.
    const inst = (priority: number): InstanceOptions => ({ priority, version: 3, advertInt: '1', vips: [`${vip}/24`] });
    const { r1, r2 } = await pair(v, config('r1', [inst(150)]), config('r2', [inst(100)]));
    const m2 = r2.lines.length;
    const t0 = performance.now();
    const m1 = reload(r1, config('r1', [{ name: 'VI_2', vrid: 52, priority: 150, version: 3, advertInt: '0.1', vips: ['10.77.5.5/24'] }]));
    const took = await r2.waitForLine(MASTER, 8000, m2);
    assert.ok(took.at - t0 < 2500, `the peer took over ${(took.at - t0).toFixed(0)} ms after the reload (priority 0 expected)`);
    await r1.waitForLine(/\(VI_2\) Entering MASTER STATE/, 10_000, m1);
    await v.waitVip('r1', '10.77.5.5');
    await v.waitVip('r1', vip, false);
    await v.waitVip('r2', vip);
  } finally {
    v.cleanup();
  }
});

test('reload keeps a failing script\'s result: a BACKUP held down by it does not preempt before the check has run again', async () => {
  const v = createVrrpLab('rs', 2, 76);
  try {
    const vip = '10.76.0.100';
    // The check takes 1 s, longer than r1's Master_Down_Interval (0.34 s): a
    // result not carried over would leave r1 at 150 for that second, and it
    // would preempt.
    const script = ['vrrp_script chk {', '  script "/bin/sh -c \'sleep 1; exit 1\'"', '  interval 5', '  timeout 3', '  weight -60', '  fall 1', '  rise 1', '}'].join('\n');
    const inst = (priority: number, tracked: boolean): InstanceOptions => ({ priority, version: 3, advertInt: '0.1', vips: [`${vip}/24`], extra: tracked ? ['track_script {', '  chk', '}'] : [] });
    // r2 (100) is MASTER; r1 (150) is held at 90 by its failing check.
    const r2 = v.start('r2', config('r2', [inst(100, false)]));
    await r2.waitForLine(MASTER, 10_000);
    const r1conf = config('r1', [inst(150, true)]) + script + '\n';
    const r1 = v.start('r1', r1conf);
    await r1.waitForLine(/VRRP_Script\(chk\) failed/, 10_000);
    await waitFor('r1 BACKUP', () => r1.state() === 'BACKUP', 10_000);
    await sleep(500);
    const m2 = r2.lines.length;
    const m1 = reload(r1, r1conf);
    await r1.waitForLine(/Reload complete/, 10_000, m1);
    await sleep(1500);
    assert.deepEqual([...r1.stateLines(m1), ...r2.stateLines(m2)], [], `nobody moved:\n${r1.log()}`);
    assert.equal(v.hasVip('r2', vip), true);
  } finally {
    v.cleanup();
  }
});
