// One start-up trial in a fresh lab: a lone router, `state MASTER` priority
// 100, advert_int 1; from the moment we spawn the daemon to the moment the
// kernel holds every VIP (ip -ts monitor address on the router: same wall
// clock as our spawn mark).
import { Lab, waitFor } from '../../../test/lib/lab.ts';
import { DaemonProc } from '../../../test/lib/daemon-proc.ts';
import { AddressMonitor } from './address-monitor.ts';
import { addInterfaces, manyConfig, VRIDS_PER_IF } from './many.ts';
import { nowEpochS, perfToEpochS } from './clock.ts';
import type { Program } from './failover-trial.ts';

export interface StartupResult {
  readonly program: Program;
  readonly instances: number;
  /** spawn → first log line read from the daemon (s): process start-up and config load. */
  readonly firstLogS: number;
  /** spawn → the last instance's "Entering BACKUP STATE" line read (s): when the protocol wait has begun for all. */
  readonly allBackupS: number;
  /** spawn → first VIP in the kernel (s). */
  readonly firstVipS: number;
  /** spawn → last VIP in the kernel (s): the headline figure. */
  readonly allVipsS: number;
  readonly masterLines: number;
  /** With diag (vipkeeper only, --log-json): first/last time (s from spawn, pino's ms clock) of its log lines. */
  readonly breakdown?: Readonly<Record<string, string>>;
}

/**
 * The protocol wait from start to MASTER for a non-owner `state MASTER`
 * instance, VRRPv3, advert_int 1, priority 100: a whole Master_Down_Interval
 * after "Entering BACKUP STATE (init)", 3 + (256 − 100)/256 s. Debian's
 * keepalived 2.2.7 was measured doing that here (3.61 s), and vipkeeper's core
 * now does the same (src/vrrp/API.md, "Behaviour notes").
 */
export function startupBoundS(_program: Program): number {
  return 3 + (256 - 100) / 256;
}

function nthLineS(p: DaemonProc, re: RegExp, nth: number): number {
  let seen = 0;
  for (const l of p.lines) if (re.test(l.text) && ++seen === nth) return perfToEpochS(l.at);
  return NaN;
}

/** First–last pino time of each kind of line, in s after spawn. */
function logSpans(p: DaemonProc, spawnS: number): Record<string, string> {
  const kinds: Record<string, RegExp> = {
    backup: /Entering BACKUP STATE/, master: /Entering MASTER STATE/, settingVips: /setting VIPs/, garp: /gratuitous ARPs/, late: /timer fired/,
  };
  const out: Record<string, string> = {};
  for (const [k, re] of Object.entries(kinds)) {
    const ts = p.lines.filter((l) => re.test(l.text)).map((l) => {
      try { return Number((JSON.parse(l.text) as { time: number }).time) / 1000 - spawnS; } catch { return NaN; }
    });
    out[k] = ts.length ? `${ts[0]!.toFixed(3)}–${ts.at(-1)!.toFixed(3)} (${ts.length})` : '–';
  }
  return out;
}

export async function runStartup(program: Program, interfaces: number, vridsPerIf = VRIDS_PER_IF, diag = false): Promise<StartupResult> {
  const lab = Lab.create([{ name: 'r1', ipv4: '10.77.0.1/24' }], 'su');
  const monitor = new AddressMonitor(lab, 'r1');
  let proc: DaemonProc | null = null;
  try {
    const ifnames = addInterfaces(lab, 'r1', interfaces, 77);
    const { text, vips } = manyConfig(ifnames, vridsPerIf);
    // The monitor is ready when it reports an address we add ourselves.
    lab.exec('r1', ['ip', 'addr', 'add', '10.77.255.254/32', 'dev', 'lo']);
    await waitFor('address monitor', () => monitor.firstAdd('10.77.255.254') !== null, 10_000, 10);
    const spawnS = nowEpochS();
    proc = new DaemonProc(lab, 'r1', text, diag && program === 'vipkeeper' ? ['--log-json'] : [], program);
    const p = proc;
    const added = await waitFor(`${vips.length} VIPs`, () => {
      const set = monitor.addedSet(spawnS);
      return vips.every((v) => set.has(v)) ? set : (p.child.exitCode === null ? false : (() => { throw new Error(`daemon exited ${p.child.exitCode}: ${p.log().slice(-2000)}`); })());
    }, 180_000, 50);
    const times = vips.map((v) => added.get(v)!);
    return {
      program,
      instances: vips.length,
      firstLogS: p.lines[0] ? perfToEpochS(p.lines[0].at) - spawnS : NaN,
      allBackupS: nthLineS(p, /Entering BACKUP STATE/, vips.length) - spawnS,
      firstVipS: Math.min(...times) - spawnS,
      allVipsS: Math.max(...times) - spawnS,
      masterLines: p.lines.filter((l) => /Entering MASTER STATE/.test(l.text)).length,
      ...(diag && program === 'vipkeeper' ? { breakdown: logSpans(p, spawnS) } : {}),
    };
  } finally {
    proc?.cleanup();
    monitor.stop();
    lab.cleanup();
  }
}
