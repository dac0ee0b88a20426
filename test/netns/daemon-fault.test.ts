// Interface down/up → FAULT and back, and a VIP removed by hand is restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';

const VIP = '10.78.0.100';
const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;
const FAULT = /\(VI_1\) Entering FAULT STATE/;

test('interface down puts the master in FAULT (VIP moves to the peer); back up it returns and preempts', async () => {
  const v = createVrrpLab('fa', 2, 78);
  try {
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${VIP}/24`], version: 3 }]));
    const r2 = v.start('r2', config('r2', [{ priority: 100, vips: [`${VIP}/24`], version: 3 }]));
    await r1.waitForLine(MASTER);
    await r2.waitForLine(BACKUP);
    await v.waitVip('r1', VIP);
    const mark = r1.lines.length;
    v.lab.setLink('r1', false);
    await r1.waitForLine(FAULT, 5000, mark);
    await r2.waitForLine(MASTER, 5000);
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
