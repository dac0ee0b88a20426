// Reload benchmark: what a SIGHUP costs a running MASTER on the wire, for
// vipkeeper and Debian's keepalived 2.2.7 side by side (trials interleaved).
// r1 (150, MASTER) and r2 (100) in a lab; r2 captures r1's adverts; r1 gets
// SIGHUP with its config unchanged. Figures per trial: the longest gap
// between r1's adverts around the reload, minus the advert interval (the
// silence the reload added), whether r2 changed state, and whether r1's VIP
// was ever seen missing (polled every ~2 ms). Run as root:
//   node --import tsx scripts/bench/reload.ts [--n 5] [--intervals 1,0.1]
import { Lab, waitFor } from '../../test/lib/lab.ts';
import { DaemonProc, hasAddress } from '../../test/lib/daemon-proc.ts';
import { config } from '../../test/lib/conf.ts';
import { Capture } from './lib/capture.ts';
import { nowEpochS, sleep } from './lib/clock.ts';
import { fmt, load, summarize, table } from './lib/stats.ts';

type Program = 'vipkeeper' | 'keepalived';
const VIP = '10.73.0.100';
const R1 = '10.73.0.1';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

interface Trial { program: Program; advertIntS: number; extraSilenceMs: number; peerMoved: boolean; vipMissing: number }

async function trial(program: Program, advertInt: string): Promise<Trial> {
  const advertIntS = Number(advertInt);
  const lab = Lab.create([{ name: 'r1', ipv4: `${R1}/24` }, { name: 'r2', ipv4: '10.73.0.2/24' }], 'rlb');
  const procs: DaemonProc[] = [];
  const capture = new Capture(lab, 'r2');
  try {
    await waitFor('tcpdump listening', () => capture.ready, 10_000);
    const conf = (id: string, priority: number) => config(id, [{ priority, version: 3, advertInt, vips: [`${VIP}/24`] }]);
    const r1 = new DaemonProc(lab, 'r1', conf('r1', 150), [], program);
    procs.push(r1);
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, (3.7 * advertIntS + 10) * 1000);
    const r2 = new DaemonProc(lab, 'r2', conf('r2', 100), [], program);
    procs.push(r2);
    await waitFor('r2 BACKUP', () => r2.lines.some((l) => /Entering BACKUP STATE/.test(l.text)), 10_000);
    await sleep(Math.max(1000, 5 * advertIntS * 1000));
    const r2Mark = r2.lines.length;
    let vipMissing = 0;
    let watching = true;
    const watch = (async () => { while (watching) { if (!hasAddress(lab, 'r1', VIP)) vipMissing++; await sleep(2); } })();
    const hupS = nowEpochS();
    const r1Mark = r1.lines.length;
    r1.signal('SIGHUP');
    await r1.waitForLine(/Reloading/, 5000, r1Mark); // both programs say it: the reload really happened
    await sleep(Math.max(2000, 6 * advertIntS * 1000));
    watching = false;
    await watch;
    const times = capture.from(R1).map((a) => a.atS).filter((t) => t > hupS - 2 * advertIntS && t < hupS + 5 * advertIntS);
    let maxGapS = 0;
    for (let i = 1; i < times.length; i++) maxGapS = Math.max(maxGapS, times[i]! - times[i - 1]!);
    const peerMoved = r2.lines.slice(r2Mark).some((l) => /Entering \w+ STATE/.test(l.text));
    return { program, advertIntS, extraSilenceMs: (maxGapS - advertIntS) * 1000, peerMoved, vipMissing };
  } finally {
    capture.stop();
    for (const p of procs) p.cleanup();
    lab.cleanup();
  }
}

const n = Math.min(Math.max(Number(arg('n', '5')), 1), 20);
const intervals = arg('intervals', '1,0.1').split(',');
const programs: Program[] = ['vipkeeper', 'keepalived'];
const results: Trial[] = [];
for (const advertInt of intervals) {
  for (let i = 0; i < n; i++) {
    for (const program of i % 2 === 0 ? programs : [...programs].reverse()) {
      const r = await trial(program, advertInt);
      results.push(r);
      console.log(`${program} advert_int ${advertInt} #${i + 1}: extra silence ${r.extraSilenceMs.toFixed(1)} ms, peer moved ${r.peerMoved}, VIP missing ${r.vipMissing} polls (load ${load()})`);
    }
  }
}
const rows = intervals.flatMap((advertInt) => programs.map((program) => {
  const rs = results.filter((r) => r.program === program && r.advertIntS === Number(advertInt));
  return [program, advertInt, String(rs.length), fmt(summarize(rs.map((r) => r.extraSilenceMs))), String(rs.filter((r) => r.peerMoved).length), String(rs.reduce((a, r) => a + r.vipMissing, 0))];
}));
console.log('\nReload (SIGHUP, config unchanged) of a MASTER; ms, median (min–max)');
console.log(table(['program', 'advert_int s', 'n', 'extra advert silence', 'peer state changes', 'VIP missing (polls)'], rows));
