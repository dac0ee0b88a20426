// One failover trial in a fresh lab: r1 (priority 150) is MASTER, r2
// (priority 100) BACKUP, both the same program with the same config text but
// for the priority; a client pings the VIP every millisecond. Then r1 crashes
// (hard) or is stopped with SIGTERM (graceful), and everything is measured
// on r2's side with one clock (see docs/benchmarks.md, "Failover").
import { Lab, waitFor } from '../../../test/lib/lab.ts';
import { DaemonProc } from '../../../test/lib/daemon-proc.ts';
import { config } from '../../../test/lib/conf.ts';
import { AddressMonitor } from './address-monitor.ts';
import { Capture } from './capture.ts';
import { StampedPinger } from './stamped-pinger.ts';
import { crash, daemonPids } from './procs.ts';
import { LinkCutter } from './link-cutter.ts';
import { nowEpochS, sleep } from './clock.ts';

export type Program = 'vipkeeper' | 'keepalived';
/**
 * hard: a crash that takes the master off the wire (processes frozen, killed,
 * its port cut); kill: SIGKILL alone — the master's kernel keeps the VIP and
 * answers for it until the backup's GARP moves the client; graceful: SIGTERM.
 */
export type Mode = 'hard' | 'kill' | 'graceful';

export interface TrialResult {
  readonly program: Program;
  readonly advertIntS: number;
  readonly mode: Mode;
  /** VIP added on r2 − reference advert − bound (ms); the headline figure. */
  readonly beyondMs: number;
  /** r2's first gratuitous ARP for the VIP − reference advert − bound (ms). */
  readonly garpBeyondMs: number;
  /** Largest gap between ping replies around the failover (ms). */
  readonly gapMs: number;
  /** r2 went MASTER (or r1 BACKUP) before the kill: a false takeover. */
  readonly flapsBefore: number;
  readonly note: string;
  /** With diag (vipkeeper only, --log-json): ms after reference + bound of its own log lines. */
  readonly breakdown?: Readonly<Record<string, number>>;
}

const VIP = '10.77.0.100';
const R1 = '10.77.0.1';

const skewS = (prio: number, advertIntS: number) => ((256 - prio) * advertIntS) / 256;

/** The protocol's bound: hard/kill = Master_Down_Interval of r2; graceful = r2's Skew_Time. */
export function boundS(mode: Mode, advertIntS: number): number {
  return (mode === 'graceful' ? 0 : 3 * advertIntS) + skewS(100, advertIntS);
}

const routerConf = (id: string, priority: number, advertInt: string) =>
  config(`bench_${id}`, [{ priority, version: 3, advertInt, vips: [`${VIP}/24`] }]);

/** Before the kill: r2 entering MASTER, or r1 falling back to BACKUP after its first MASTER. */
function falseTakeovers(r1: DaemonProc, r2: DaemonProc): number {
  const r1Master = r1.lines.findIndex((l) => /Entering MASTER STATE/.test(l.text));
  return r2.lines.filter((l) => /Entering MASTER STATE/.test(l.text)).length +
    r1.lines.slice(r1Master + 1).filter((l) => /Entering BACKUP STATE/.test(l.text)).length;
}

/** Where the time went on r2, from its JSON log (pino's ms clock), relative to the moment the bound ran out. */
function logBreakdown(r2: DaemonProc, from: number, dueS: number, vipS: number): Record<string, number> {
  const at = (re: RegExp): number => {
    for (const l of r2.lines.slice(from)) {
      if (!re.test(l.text)) continue;
      try { return (Number((JSON.parse(l.text) as { time: number }).time) / 1000 - dueS) * 1000; } catch { return NaN; }
    }
    return NaN;
  };
  return {
    masterLog: at(/Entering MASTER STATE/),
    settingVips: at(/setting VIPs/),
    vipKernel: (vipS - dueS) * 1000,
    garpLog: at(/gratuitous ARPs/),
    lateWarning: at(/timer fired/),
  };
}

export async function runTrial(program: Program, advertInt: string, mode: Mode, diag = false): Promise<TrialResult> {
  const advertIntS = Number(advertInt);
  const lab = Lab.create([
    { name: 'r1', ipv4: `${R1}/24` },
    { name: 'r2', ipv4: '10.77.0.2/24' },
    { name: 'client', ipv4: '10.77.0.200/24' },
  ], 'fo');
  const procs: DaemonProc[] = [];
  const monitor = new AddressMonitor(lab, 'r2');
  const capture = new Capture(lab, 'r2');
  const cutter = new LinkCutter(lab);
  let pinger: StampedPinger | null = null;
  try {
    await waitFor('tcpdump listening', () => capture.ready, 10_000);
    const startWaitMs = (3.61 * advertIntS + 10) * 1000;
    const r1 = new DaemonProc(lab, 'r1', routerConf('r1', 150, advertInt), [], program);
    procs.push(r1);
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, startWaitMs);
    const r2 = new DaemonProc(lab, 'r2', routerConf('r2', 100, advertInt), diag && program === 'vipkeeper' ? ['--log-json'] : [], program);
    procs.push(r2);
    await r2.waitForLine(/\(VI_1\) Entering BACKUP STATE/, startWaitMs);
    const backupAtS = nowEpochS();
    pinger = new StampedPinger(lab, 'client', VIP, 0.001);
    const p = pinger;
    await waitFor('client replies', () => p.repliesS.length >= 200, 15_000);
    await waitFor('r1 adverts seen by r2', () => capture.from(R1).filter((a) => a.atS > backupAtS).length >= 3, 10_000 + 5000 * advertIntS);

    const flapsBefore = falseTakeovers(r1, r2);
    const r1Pids = daemonPids(lab, 'r1');
    const r2LinesBefore = r2.lines.length;
    const killS = nowEpochS();
    if (mode === 'hard') crash(r1Pids, () => cutter.cut('r1'));
    else if (mode === 'kill') for (const pid of r1Pids) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    else r1.signal('SIGTERM');

    await r2.waitForLine(/\(VI_1\) Entering MASTER STATE/, (boundS(mode, advertIntS) + 10) * 1000, r2LinesBefore);
    const vipS = await waitFor('VIP added on r2', () => monitor.firstAdd(VIP, killS) ?? false, 5000, 5).catch((e: unknown) => {
      // Keep what explains it: r2's own account and every address event the monitor saw.
      const events = monitor.events.map((ev) => `${ev.added ? '+' : '-'}${ev.address}@${((ev.atS - killS) * 1000).toFixed(1)}ms`).join(' ');
      throw new Error(`${(e as Error).message}\n  r2 log:\n    ${r2.lines.map((l) => l.text).join('\n    ')}\n  address events (ms after the kill): ${events}`);
    });
    await waitFor('client replies resume', () => p.repliesS.some((t) => t > vipS), 5000, 5);
    await sleep(200);

    const fromR1 = capture.from(R1);
    const notes: string[] = [];
    let refS: number;
    if (mode === 'hard' || mode === 'kill') {
      if (mode === 'hard' && !cutter.isCut('r1')) notes.push('the link was not cut');
      refS = fromR1.filter((a) => a.atS <= vipS).at(-1)?.atS ?? NaN;
      if (fromR1.some((a) => a.prio === 0)) notes.push('a priority 0 advert escaped the crash');
    } else {
      refS = fromR1.find((a) => a.prio === 0 && a.atS >= killS - 0.001)?.atS ?? NaN;
      if (Number.isNaN(refS)) notes.push('no priority 0 advert seen');
    }
    const bound = boundS(mode, advertIntS);
    // VK_BENCH_DEBUG=1: the raw timeline around the kill (ms after it), to check a trial by eye.
    if (process.env['VK_BENCH_DEBUG']) {
      const rel = (t: number) => ((t - killS) * 1000).toFixed(1);
      console.log(`  kill 0, reference ${rel(refS)}, VIP ${rel(vipS)}, GARPs ${capture.garps.filter((g) => g.atS > killS).map((g) => rel(g.atS)).join(' ')}`);
      console.log(`  replies ${p.repliesS.filter((t) => t > killS - 0.01 && t < vipS + 0.03).map(rel).join(' ')}`);
      console.log(`  adverts ${capture.adverts.filter((a) => a.atS > killS - 0.03 && a.atS < vipS + 0.03).map((a) => `${a.src}/${a.prio}@${rel(a.atS)}`).join(' ')}`);
    }
    const garpS = capture.garps.find((g) => g.address === VIP && g.atS >= killS)?.atS ?? NaN;
    return {
      program, advertIntS, mode,
      beyondMs: (vipS - refS - bound) * 1000,
      garpBeyondMs: (garpS - refS - bound) * 1000,
      gapMs: p.largestGapS(killS, vipS + 1) * 1000,
      flapsBefore,
      note: notes.join('; '),
      ...(diag && program === 'vipkeeper' ? { breakdown: logBreakdown(r2, r2LinesBefore, refS + bound, vipS) } : {}),
    };
  } finally {
    pinger?.stop();
    monitor.stop();
    capture.stop();
    cutter.stop();
    for (const proc of procs) proc.cleanup();
    lab.cleanup();
  }
}
