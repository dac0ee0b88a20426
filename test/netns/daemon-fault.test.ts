// Interface down/up → FAULT and back, and a VIP removed by hand is restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { execFileSync } from 'node:child_process';
import { waitFor } from '../lib/lab.ts';
import { Capture, vrrpAdvert } from '../lib/capture.ts';

const VIP = '10.78.0.100';
const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;
const FAULT = /\(VI_1\) Entering FAULT STATE/;

test('interface down puts the master in FAULT (VIP moves to the peer); back up it returns and preempts', async () => {
  const v = createVrrpLab('fa', 2, 78);
  try {
    const { r1, r2 } = await v.startPair(VIP);
    const mark = r1.lines.length;
    const r2start = r2.lines.length; // r2's MASTER must be the one this fault causes
    v.lab.setLink('r1', false);
    await r1.waitForLine(FAULT, 5000, mark);
    await r2.waitForLine(MASTER, 5000, r2start);
    await v.waitVip('r2', VIP);
    assert.equal(v.hasVip('r1', VIP), false, 'a FAULT router must not hold the VIP');
    const mark2 = r1.lines.length;
    const r2mark = r2.lines.length;
    v.lab.setLink('r1', true);
    await r1.waitForLine(MASTER, 5000, mark2);
    await v.waitVip('r1', VIP);
    await r2.waitForLine(BACKUP, 5000, r2mark);
    await v.waitVip('r2', VIP, false);
  } finally {
    v.cleanup();
  }
});

test('a VIP deleted behind the master\'s back is restored', async () => {
  const v = createVrrpLab('vr', 1, 79);
  try {
    const vip = '10.79.0.100';
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3 }]));
    await r1.waitForLine(MASTER);
    await v.waitVip('r1', vip);
    const mark = r1.lines.length;
    v.lab.exec('r1', ['ip', 'addr', 'del', `${vip}/24`, 'dev', 'eth0']);
    // The restore can be faster than a poll of `ip addr`, so the daemon's own
    // report proves the deletion was seen; the kernel then has the VIP again.
    await r1.waitForLine(/VIP 10\.79\.0\.100 was removed from eth0; restoring it/, 3000, mark);
    await v.waitVip('r1', vip, true, 3000);
    assert.match(v.lab.exec('r1', ['ip', '-o', 'addr', 'show', 'dev', 'eth0']), /10\.79\.0\.100\/24/);
  } finally {
    v.cleanup();
  }
});

test('an instance whose interface does not exist yet waits in FAULT and starts when it appears', async () => {
  const v = createVrrpLab('la', 1, 85);
  try {
    const vip = '10.86.0.100';
    // keepalived needs dynamic_interfaces for this too; without it a missing interface is a config error.
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3, ifname: 'eth1' }], ['dynamic_interfaces']));
    await r1.waitForLine(FAULT, 10_000);
    assert.equal(v.hasVip('r1', vip), false);
    // The interface arrives later (a veth to the bridge), and then its address.
    const ns = v.lab.host('r1').ns;
    execFileSync('ip', ['-n', v.lab.bridgeNs, 'link', 'add', 'name', 'r1b', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns]);
    execFileSync('ip', ['-n', v.lab.bridgeNs, 'link', 'set', 'dev', 'r1b', 'master', 'br0', 'up']);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.86.0.1/24', 'dev', 'eth1']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'dev', 'eth1', 'up']);
    await r1.waitForLine(MASTER, 10_000);
    await v.waitVip('r1', vip);
    // Its adverts now leave from the interface's address, not from nowhere.
    const cap = await Capture.start(v.lab, 'r1', 'ip proto 112', 'eth1');
    try {
      await new Promise((r) => setTimeout(r, 500)); // 5 advert intervals
      const adverts = (await cap.stop()).map((f) => vrrpAdvert(f.data));
      assert.ok(adverts.length >= 2, `adverts on eth1 in 5 intervals: ${adverts.length}`);
      assert.ok(adverts.every((a) => a?.src === '10.86.0.1' && a.dst === '224.0.0.18'), JSON.stringify(adverts));
    } finally {
      cap.dispose();
    }
  } finally {
    v.cleanup();
  }
});

test('stale VIPs of a crashed run are removed at start-up; -V leaves VIPs in place on stop', async () => {
  const v = createVrrpLab('st', 2, 87);
  try {
    const vip = '10.87.0.100';
    v.lab.exec('r2', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']); // left by a "crashed" run
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3 }]), 'vipkeeper', ['-V']);
    const r2 = v.start('r2', config('r2', [{ priority: 100, vips: [`${vip}/24`], version: 3 }]));
    await r2.waitForLine(/removed stale VIP 10\.87\.0\.100\/24 from eth0/, 10_000);
    // Started together, r2 may be MASTER for a moment (start-up race): wait
    // for the converged states, not for the first lines that name them.
    await waitFor('r1 MASTER and r2 BACKUP', () => r1.state() === 'MASTER' && r2.state() === 'BACKUP', 10_000);
    await v.waitVip('r2', vip, false);
    await v.waitVip('r1', vip);
    r1.signal('SIGTERM');
    assert.equal(await r1.exited(3000), 0);
    assert.equal(v.hasVip('r1', vip), true, 'with -V the VIP stays after stop');
  } finally {
    v.cleanup();
  }
});
