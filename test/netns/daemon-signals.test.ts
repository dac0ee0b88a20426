// keepalived's signals beyond SIGTERM: SIGINT stops as gracefully (priority
// 0, the peer takes over within Skew_Time, VIP released, exit 0); SIGHUP
// with a broken config reports it as file:line and keeps the running one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { waitFor } from '../lib/lab.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MASTER = /\(VI_1\) Entering MASTER STATE/;

test('SIGINT: graceful stop like SIGTERM — the peer takes over well before Master_Down_Interval, exit 0, VIP released', async () => {
  const v = createVrrpLab('si', 2, 84);
  try {
    const vip = '10.84.0.100';
    // advert_int 1 (v3): Master_Down_Interval for r2 (100) ≈ 3.6 s, Skew_Time ≈ 0.6 s.
    const { r1, r2 } = await v.startPair(vip, { advertInt: '1' });
    await waitFor('r2 BACKUP', () => r2.state() === 'BACKUP', 5000);
    const mark = r2.lines.length;
    const t0 = performance.now();
    r1.signal('SIGINT');
    assert.equal(await r1.exited(3000), 0, r1.log());
    const took = await r2.waitForLine(MASTER, 8000, mark);
    assert.ok(took.at - t0 < 2000, `r2 MASTER ${(took.at - t0).toFixed(0)} ms after SIGINT (a hard failover takes ≈ 3600)`);
    assert.equal(v.hasVip('r1', vip), false);
    await v.waitVip('r2', vip);
  } finally {
    v.cleanup();
  }
});

test('SIGHUP with a broken config: file:line error, the running config keeps working (still MASTER, peer still BACKUP)', async () => {
  const v = createVrrpLab('sh', 2, 83);
  try {
    const vip = '10.83.0.100';
    const { r1, r2 } = await v.startPair(vip);
    await waitFor('r2 BACKUP', () => r2.state() === 'BACKUP', 5000);
    const conf = join(r1.dir, 'keepalived.conf');
    writeFileSync(conf, 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 999\n}\n');
    const [m1, m2] = [r1.lines.length, r2.lines.length];
    r1.signal('SIGHUP');
    await r1.waitForLine(/keepalived\.conf:3:.*virtual_router_id/, 5000, m1);
    await r1.waitForLine(/keeping the running configuration/, 5000, m1);
    await sleep(1000); // 10 advert intervals
    assert.equal(r1.child.exitCode, null, 'still running');
    assert.deepEqual([...r1.stateLines(m1), ...r2.stateLines(m2)], [], 'no state change on either side');
    assert.equal(r1.state(), 'MASTER');
    assert.equal(v.hasVip('r1', vip), true);
  } finally {
    v.cleanup();
  }
});
