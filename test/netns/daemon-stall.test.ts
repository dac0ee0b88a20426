// A backup whose event loop is stopped (SIGSTOP here; a long GC pause or
// synchronous work in real life) for longer than Master_Down_Interval while
// the master keeps advertising. The master's adverts queue in the backup's
// socket; when it runs again its takeover deadline has passed. keepalived
// reads a readable socket before it acts on a timeout, and so must we: the
// driver drains the VRRP sockets before it hands the expired timer to the
// core, and the core applies those adverts before its expired timers. Without
// that the backup adds the VIP, sends a GARP burst and steps down on the next
// advert: a flap on a healthy LAN (issue 7, bug 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { masterDownIntervalMs } from '../lib/vrrp-timing.ts';

const VIP = '10.78.0.100';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a backup stopped for longer than Master_Down_Interval while the master advertises never takes over', async () => {
  const v = createVrrpLab('stall', 2, 78);
  try {
    const { r1, r2 } = await v.startPair(VIP); // VRRPv3, advert_int 0.1
    await v.waitVip('r1', VIP);
    await sleep(500); // r2 has heard r1 for a while
    // Every address change in r2's namespace, so that a VIP added and removed
    // again within milliseconds is seen too.
    const monitor = v.lab.spawn('r2', ['ip', '-o', 'monitor', 'address']);
    let addrEvents = '';
    monitor.stdout?.on('data', (b: Buffer) => { addrEvents += b.toString('utf8'); });
    try {
      await sleep(200); // the monitor is listening
      const mark = r2.lines.length;
      const r1Mark = r1.lines.length;
      const stoppedMs = 1500;
      assert.ok(stoppedMs > 4 * masterDownIntervalMs(100, 100), 'stopped for over four Master_Down_Intervals');
      r2.signal('SIGSTOP');
      await sleep(stoppedMs);
      r2.signal('SIGCONT');
      await sleep(1500);
      const r2Lines = r2.lines.slice(mark).map((l) => l.text);
      assert.deepEqual(r2Lines.filter((t) => /Entering MASTER STATE/.test(t)), [], `r2 took over although r1 advertised throughout:\n${r2Lines.join('\n')}`);
      assert.equal(addrEvents.includes(VIP), false, `r2 added the VIP:\n${addrEvents}`);
      assert.deepEqual(r1.stateLines(r1Mark), [], 'r1 stayed MASTER');
      // The stop was seen: the driver reported the late timer.
      assert.ok(r2Lines.some((t) => /VRRP timer fired .* ms late/.test(t)), `no lateness reported:\n${r2Lines.join('\n')}`);
      assert.equal(v.hasVip('r1', VIP), true);
      assert.equal(v.hasVip('r2', VIP), false);
    } finally {
      if (monitor.pid !== undefined && monitor.exitCode === null) monitor.kill('SIGKILL');
    }
  } finally {
    v.cleanup();
  }
});
