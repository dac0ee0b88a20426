// Resource benchmark (docs/benchmarks.md, "Resources"): 1000 instances
// (4 interfaces × 250 VRIDs, advert_int 1) held as MASTER for a window,
// CPU seconds (utime+stime deltas from /proc/PID/stat) and RSS (VmRSS, summed
// over the daemon's processes: keepalived -P has a parent and a VRRP child),
// vipkeeper then keepalived in the same run. Run as root:
//   node --import tsx scripts/bench/resources.ts [--seconds 60] [--programs vipkeeper,keepalived]
import { Lab, waitFor } from '../../test/lib/lab.ts';
import { DaemonProc } from '../../test/lib/daemon-proc.ts';
import { AddressMonitor } from './lib/address-monitor.ts';
import { addInterfaces, manyConfig } from './lib/many.ts';
import { cpuSeconds, daemonPids, rssMiB } from './lib/procs.ts';
import { nowEpochS, sleep } from './lib/clock.ts';
import { load, table } from './lib/stats.ts';
import type { Program } from './lib/failover-trial.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

const windowS = Math.min(Math.max(Number(arg('seconds', '60')), 5), 600);
const programs = arg('programs', 'vipkeeper,keepalived').split(',') as Program[];

interface Usage {
  readonly program: Program;
  readonly pids: number;
  readonly cpuS: number;
  readonly rssEndMiB: number;
  readonly rssMaxMiB: number;
  readonly advertsPerS: number;
  readonly vipDeletions: number;
  readonly loadStart: string;
  readonly loadEnd: string;
}

function txPackets(lab: Lab, ifnames: readonly string[]): number {
  const j = JSON.parse(lab.exec('r1', ['ip', '-j', '-s', 'link', 'show'])) as Array<{ ifname: string; stats64?: { tx?: { packets: number } } }>;
  return j.filter((l) => ifnames.includes(l.ifname)).reduce((a, l) => a + (l.stats64?.tx?.packets ?? 0), 0);
}

async function measure(program: Program): Promise<Usage> {
  const lab = Lab.create([{ name: 'r1', ipv4: '10.77.0.1/24' }], 'rs');
  const monitor = new AddressMonitor(lab, 'r1');
  let proc: DaemonProc | null = null;
  try {
    const ifnames = addInterfaces(lab, 'r1', 4, 77);
    const { text, vips } = manyConfig(ifnames, 250);
    proc = new DaemonProc(lab, 'r1', text, [], program);
    const startS = nowEpochS();
    await waitFor('1000 VIPs', () => { const s = monitor.addedSet(startS); return vips.every((v) => s.has(v)); }, 180_000, 100);
    await sleep(5000); // let start-up work (GARP repeats, logging) finish
    const pids = daemonPids(lab, 'r1');
    const sumCpu = () => pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
    const sumRss = () => pids.reduce((a, pid) => a + rssMiB(pid), 0);
    const loadStart = load();
    const cpu0 = sumCpu();
    const tx0 = txPackets(lab, ifnames);
    const t0 = nowEpochS();
    let rssMax = sumRss();
    for (let s = 0; s < windowS; s++) {
      await sleep(1000);
      rssMax = Math.max(rssMax, sumRss());
    }
    const cpuS = sumCpu() - cpu0;
    const elapsedS = nowEpochS() - t0;
    return {
      program, pids: pids.length, cpuS: cpuS * (windowS / elapsedS), rssEndMiB: sumRss(), rssMaxMiB: rssMax,
      advertsPerS: (txPackets(lab, ifnames) - tx0) / elapsedS, vipDeletions: monitor.deletions(t0).length,
      loadStart, loadEnd: load(),
    };
  } finally {
    proc?.cleanup();
    monitor.stop();
    lab.cleanup();
  }
}

const rows: string[][] = [];
for (const program of programs) {
  const u = await measure(program);
  console.log(JSON.stringify(u));
  rows.push([program, String(u.pids), u.cpuS.toFixed(2), (100 * u.cpuS / windowS).toFixed(1), u.rssEndMiB.toFixed(1), u.rssMaxMiB.toFixed(1),
    u.advertsPerS.toFixed(0), String(u.vipDeletions), `${u.loadStart} → ${u.loadEnd}`]);
}
console.log(`\n1000 instances as MASTER, advert_int 1, ${windowS} s window (n=1)`);
console.log(table(['program', 'processes', `CPU s / ${windowS} s`, '% of one core', 'RSS end MiB', 'RSS max MiB', 'packets sent /s', 'VIP deletions', 'load'], rows));
