// vipkeeper as root in network namespaces: election, preemption, nopreempt,
// graceful stop and hard kill, checked with the real kernel (`ip addr`, the
// client's neighbour cache), the daemon's keepalived-worded log lines and,
// for the takeover timing, the adverts on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';
import { Capture, vrrpAdvert } from '../lib/capture.ts';
import type { DaemonProc } from '../lib/daemon-proc.ts';
import { masterDownIntervalMs, skewTimeMs } from '../lib/vrrp-timing.ts';

const VIP = '10.77.0.100';
const R1 = '10.77.0.1';
const R2 = '10.77.0.2';
const MASTER = /\(VI_1\) Entering MASTER STATE/;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds for `ms` and returns the state changes `p` logged meanwhile (a settled router logs none). */
async function hold(p: DaemonProc, ms: number): Promise<string[]> {
  const mark = p.lines.length;
  await sleep(ms);
  return p.stateLines(mark);
}

/** Kernel receive times (µs) of the adverts in a capture, by source address. */
function advertTimes(frames: Awaited<ReturnType<Capture['stop']>>, src: string, priority?: number): number[] {
  return frames.filter((f) => {
    const a = vrrpAdvert(f.data);
    return a !== null && a.src === src && (priority === undefined || a.priority === priority);
  }).map((f) => f.timeUs);
}

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
    await sleep(1000);
    assert.deepEqual([...r1.stateLines(marks[0]), ...r2.stateLines(marks[1])], [], 'no flapping after convergence');
    assert.equal(v.hasVip('r2', VIP), false, 'the backup must not hold the VIP');
  } finally {
    v.cleanup();
  }
});

test('a higher-priority router that starts later preempts; with nopreempt it does not', async () => {
  const advertMs = 100;
  for (const nopreempt of [false, true]) {
    const v = createVrrpLab(nopreempt ? 'np' : 'pr');
    try {
      const low = v.start('r2', config('r2', [{ priority: 100, vips: [`${VIP}/24`], version: 3, nopreempt }]));
      await waitFor('r2 MASTER', () => low.state() === 'MASTER', 10_000);
      await v.waitVip('r2', VIP);
      const lowMark = low.lines.length;
      const high = v.start('r1', config('r1', [{ priority: 150, vips: [`${VIP}/24`], version: 3, nopreempt }]));
      if (nopreempt) {
        // The "(init)" BACKUP line only says r1 runs. The check is the hold:
        // 1.5 s is over 4 of r1's Master_Down_Intervals, so an r1 that heard
        // no adverts, or preempted anyway, would have logged MASTER.
        await waitFor('r1 started (BACKUP init)', () => high.state() === 'BACKUP', 10_000);
        const heldMs = 15 * advertMs;
        assert.ok(heldMs > 4 * masterDownIntervalMs(advertMs, 150));
        await sleep(heldMs);
        assert.deepEqual(high.stateLines().map((l) => /Entering (\w+) STATE/.exec(l)![1]), ['BACKUP'], `nopreempt: r1 must stay BACKUP\n${high.log()}`);
        assert.deepEqual(low.stateLines(lowMark), [], `nopreempt: r2 must stay MASTER\n${low.log()}`);
        assert.equal(v.hasVip('r2', VIP), true);
        assert.equal(v.hasVip('r1', VIP), false);
      } else {
        // Preemption: r1 MASTER and r2 demoted to BACKUP after having been MASTER.
        await waitFor('r1 MASTER and r2 back to BACKUP', () =>
          high.state() === 'MASTER' && low.state() === 'BACKUP' && low.stateLines(lowMark).length > 0, 5000);
        await v.waitVip('r1', VIP);
        await v.waitVip('r2', VIP, false);
        assert.deepEqual(await hold(low, 5 * advertMs), [], 'r2 stays BACKUP');
        assert.equal(high.state(), 'MASTER');
      }
    } finally {
      v.cleanup();
    }
  }
});

test('graceful stop (SIGTERM): priority 0 hands over after Skew_Time, well before Master_Down_Interval; VIP released, exit 0 within 1 s', async (t) => {
  const v = createVrrpLab('gs');
  let cap: Capture | null = null;
  try {
    // advert_int 0.25 s, r2 priority 100: Skew_Time 152 ms, Master_Down_Interval
    // 902 ms. A hard failover can come no sooner than MDI − one advert (652 ms)
    // after the master goes; a takeover under that can only be the priority-0 advert's.
    const advertMs = 250;
    const skewMs = skewTimeMs(advertMs, 100);
    const mdiMs = masterDownIntervalMs(advertMs, 100);
    const { r1, r2 } = await v.startPair(VIP, { advertInt: '0.25' });
    assert.deepEqual(await hold(r2, mdiMs + advertMs), [], 'r2 hears r1 and stays BACKUP');
    cap = await Capture.start(v.lab, 'r2', 'ip proto 112');
    await sleep(2 * advertMs); // r1's adverts before the stop are in the capture too
    const mark = r2.lines.length;
    const t0 = performance.now();
    r1.signal('SIGTERM');
    assert.equal(await r1.exited(1000), 0);
    assert.equal(v.hasVip('r1', VIP), false, 'the stopped master must release the VIP');
    const took = await r2.waitForLine(MASTER, 5000, mark);
    const tookMs = took.at - t0;
    assert.ok(tookMs < mdiMs, `takeover ${tookMs.toFixed(0)} ms after SIGTERM: must beat Master_Down_Interval (${mdiMs} ms)`);
    await v.waitVip('r2', VIP);
    await waitFor('r2 advertising', () => r2.state() === 'MASTER', 1000);
    await sleep(2 * advertMs); // r2's first adverts reach the capture
    const frames = await cap.stop();
    // On the wire: r1's priority-0 advert, then r2's first advert Skew_Time later.
    const bye = advertTimes(frames, R1, 0);
    const r2First = advertTimes(frames, R2)[0];
    assert.ok(bye.length >= 1, 'r1 sent a priority-0 advert');
    assert.ok(r2First !== undefined, 'r2 advertised as MASTER');
    const gapMs = (r2First - bye[0]!) / 1000;
    t.diagnostic(`SIGTERM → r2 MASTER (log) ${tookMs.toFixed(1)} ms; priority 0 → r2's first advert (wire) ${gapMs.toFixed(1)} ms`);
    assert.ok(gapMs >= skewMs - 2 && gapMs < mdiMs - advertMs,
      `priority 0 → r2's first advert: ${gapMs.toFixed(1)} ms; want ≥ Skew_Time ${skewMs.toFixed(1)} ms and < ${mdiMs - advertMs} ms`);
  } finally {
    cap?.dispose();
    v.cleanup();
  }
});

test('hard kill (SIGKILL): the backup takes over after Master_Down_Interval and the client\'s ARP entry moves', async (t) => {
  const v = createVrrpLab('hk');
  let cap: Capture | null = null;
  try {
    const advertMs = 100; // startPair's default advert_int 0.1 (VRRPv3)
    const mdiMs = masterDownIntervalMs(advertMs, 100); // r2: 360.9 ms
    const { r1, r2 } = await v.startPair(VIP);
    assert.deepEqual(await hold(r2, mdiMs + advertMs), [], 'r2 hears r1 and stays BACKUP');
    assert.equal(v.lab.tryExec('client', ['ping', '-c', '1', '-W', '2', VIP]).status, 0);
    assert.equal(v.clientNeighMac(VIP), v.mac('r1'));
    cap = await Capture.start(v.lab, 'r2', 'ip proto 112');
    await sleep(3 * advertMs); // r1's last adverts before the kill must be in the capture
    const mark = r2.lines.length;
    const t0 = performance.now();
    const killWallMs = Date.now();
    r1.signal('SIGKILL');
    const took = await r2.waitForLine(MASTER, 5000, mark);
    const tookMs = took.at - t0;
    // MDI + 1 s at the latest (log-reading latency on a loaded machine included).
    assert.ok(tookMs <= mdiMs + 1000, `takeover ${tookMs.toFixed(0)} ms after SIGKILL; want ≤ ${(mdiMs + 1000).toFixed(0)} ms`);
    await v.waitVip('r2', VIP);
    // The gratuitous ARP, not a new ARP query, must move the client's entry.
    await v.waitClientNeigh(VIP, v.mac('r2'));
    assert.equal(v.lab.tryExec('client', ['ping', '-c', '1', '-W', '2', VIP]).status, 0);
    const frames = await cap.stop();
    // On the wire: Master_Down_Interval runs from the last advert r2 received
    // (which came before the kill), not from the kill, and not shorter.
    const lastR1 = advertTimes(frames, R1).at(-1);
    const r2First = advertTimes(frames, R2)[0];
    assert.ok(lastR1 !== undefined && r2First !== undefined, `adverts of both in the capture: ${JSON.stringify(frames.map((f) => [f.timeUs, vrrpAdvert(f.data)]))}`);
    assert.ok(lastR1 / 1000 <= killWallMs + 2, 'no advert from r1 after the kill');
    const gapMs = (r2First - lastR1) / 1000;
    const killAfterLastMs = killWallMs - lastR1 / 1000;
    t.diagnostic(`SIGKILL → r2 MASTER (log) ${tookMs.toFixed(1)} ms; r1's last advert → kill ${killAfterLastMs.toFixed(1)} ms, → r2's first (wire) ${gapMs.toFixed(1)} ms`);
    // The kill can fall anywhere in r1's advert cycle, so the takeover comes
    // MDI − one advert after it at the soonest; r1 may have been sending late
    // on a loaded machine (then the kill lies more than one advert after its
    // last advert), which the measured gap accounts for.
    const soonestMs = mdiMs - Math.max(advertMs, killAfterLastMs) - 2;
    assert.ok(tookMs >= soonestMs, `takeover ${tookMs.toFixed(0)} ms after SIGKILL; want ≥ ${soonestMs.toFixed(0)} ms`);
    assert.ok(gapMs >= mdiMs - 2 && gapMs <= mdiMs + 300,
      `r1's last advert → r2's first: ${gapMs.toFixed(1)} ms; want Master_Down_Interval ${mdiMs.toFixed(1)} ms (−2, +300)`);
  } finally {
    cap?.dispose();
    v.cleanup();
  }
});
