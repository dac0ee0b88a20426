// vipkeeper as root in network namespaces: election, preemption, nopreempt,
// graceful stop and hard kill, checked with the real kernel (`ip addr`, the
// client's neighbour cache) and the daemon's keepalived-worded log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';

const VIP = '10.77.0.100';
const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;

test('started together, the higher priority wins the election and holds the VIP; then nothing flaps', async () => {
  const v = createVrrpLab('el');
  try {
    // Both start at once. Which one's Master_Down runs out first depends on
    // process start-up (≈ 19 ms apart at advert_int 0.1), so r2 may be MASTER
    // for a moment; the protocol must then converge on r1.
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${VIP}/24`], version: 3 }]));
    const r2 = v.start('r2', config('r2', [{ priority: 100, vips: [`${VIP}/24`], version: 3 }]));
    await waitFor('r1 MASTER and r2 BACKUP', () => r1.state() === 'MASTER' && r2.state() === 'BACKUP', 10_000);
    await v.waitVip('r1', VIP);
    await v.waitVip('r2', VIP, false);
    assert.equal(v.lab.tryExec('client', ['ping', '-c', '1', '-W', '2', VIP]).status, 0);
    assert.equal(v.clientNeighMac(VIP), v.mac('r1'));
    // Converged: over the next second (10 adverts) neither changes state.
    const marks = [r1.lines.length, r2.lines.length];
    await new Promise((r) => setTimeout(r, 1000));
    const changes = [...r1.lines.slice(marks[0]), ...r2.lines.slice(marks[1])].filter((l) => /Entering \w+ STATE/.test(l.text));
    assert.deepEqual(changes, [], 'no flapping after convergence');
    assert.equal(v.hasVip('r2', VIP), false, 'the backup must not hold the VIP');
  } finally {
    v.cleanup();
  }
});

test('a higher-priority router that starts later preempts; with nopreempt it does not', async () => {
  for (const nopreempt of [false, true]) {
    const v = createVrrpLab(nopreempt ? 'np' : 'pr');
    try {
      const low = v.start('r2', config('r2', [{ priority: 100, vips: [`${VIP}/24`], version: 3, nopreempt }]));
      await low.waitForLine(MASTER);
      await v.waitVip('r2', VIP);
      const high = v.start('r1', config('r1', [{ priority: 150, vips: [`${VIP}/24`], version: 3, nopreempt }]));
      await high.waitForLine(BACKUP);
      if (nopreempt) {
        await new Promise((r) => setTimeout(r, 1500)); // 3+ master-down intervals at advert_int 0.1
        assert.equal(high.lines.some((l) => MASTER.test(l.text)), false, `nopreempt: r1 must stay BACKUP\n${high.log()}`);
        assert.equal(v.hasVip('r2', VIP), true);
      } else {
        await high.waitForLine(MASTER);
        await v.waitVip('r1', VIP);
        await v.waitVip('r2', VIP, false);
        await low.waitForLine(BACKUP);
      }
    } finally {
      v.cleanup();
    }
  }
});

test('graceful stop (SIGTERM): priority 0 hands over within Skew_Time, VIP released, exit 0 within 1 s', async () => {
  const v = createVrrpLab('gs');
  try {
    // advert_int 1 s: Master_Down_Interval is 3.6 s, Skew_Time 0.6 s, so a
    // takeover well under 3 s can only come from the priority-0 advert.
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${VIP}/24`], version: 3, advertInt: '1' }]));
    const r2 = v.start('r2', config('r2', [{ priority: 100, vips: [`${VIP}/24`], version: 3, advertInt: '1' }]));
    await r1.waitForLine(MASTER);
    await r2.waitForLine(BACKUP);
    await v.waitVip('r1', VIP);
    const t0 = performance.now();
    r1.signal('SIGTERM');
    assert.equal(await r1.exited(1000), 0);
    assert.equal(v.hasVip('r1', VIP), false, 'the stopped master must release the VIP');
    const took = await r2.waitForLine(MASTER, 5000);
    assert.ok(took.at - t0 < 2500, `takeover after ${took.at - t0} ms: should follow Skew_Time, not Master_Down_Interval`);
    await v.waitVip('r2', VIP);
  } finally {
    v.cleanup();
  }
});

test('hard kill (SIGKILL): the backup takes over after Master_Down_Interval and the client\'s ARP entry moves', async () => {
  const v = createVrrpLab('hk');
  try {
    const { r1, r2 } = await v.startPair(VIP);
    assert.equal(v.lab.tryExec('client', ['ping', '-c', '1', '-W', '2', VIP]).status, 0);
    assert.equal(v.clientNeighMac(VIP), v.mac('r1'));
    r1.signal('SIGKILL');
    await r2.waitForLine(MASTER, 5000);
    await v.waitVip('r2', VIP);
    // The gratuitous ARP, not a new ARP query, must move the client's entry.
    await v.waitClientNeigh(VIP, v.mac('r2'));
    assert.equal(v.lab.tryExec('client', ['ping', '-c', '1', '-W', '2', VIP]).status, 0);
  } finally {
    v.cleanup();
  }
});
