// Start-up benchmark (docs/benchmarks.md, "Start-up"): exec → MASTER with
// every VIP in the kernel, for one instance and for 4 interfaces × 250 VRIDs,
// vipkeeper beside keepalived 2.2.7 with the same config text. Run as root:
//   node --import tsx scripts/bench/startup.ts [--n 5] [--sizes 1,4] [--programs vipkeeper,keepalived] [--diag]
// --sizes lists interface counts; 1 means one instance, k > 1 means k × 250.
import { runStartup, startupBoundS, type StartupResult } from './lib/startup-trial.ts';
import type { Program } from './lib/failover-trial.ts';
import { fmt, load, summarize, table } from './lib/stats.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

const n = Math.min(Math.max(Number(arg('n', '5')), 1), 20);
const sizes = arg('sizes', '1,4').split(',').map(Number);
const programs = arg('programs', 'vipkeeper,keepalived').split(',') as Program[];
const diag = process.argv.includes('--diag');

const results: StartupResult[] = [];
for (const ifs of sizes) {
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? programs : [...programs].reverse();
    for (const program of order) {
      const l = load();
      try {
        const r = ifs === 1 ? await runStartup(program, 1, 1, diag) : await runStartup(program, ifs, undefined, diag);
        results.push(r);
        console.log(`${program} ${r.instances} instance(s) #${i + 1}: all VIPs ${r.allVipsS.toFixed(3)} s (first VIP ${r.firstVipS.toFixed(3)} s, ` +
          `first log line ${r.firstLogS.toFixed(3)} s, all BACKUP ${r.allBackupS.toFixed(3)} s, MASTER lines ${r.masterLines}) (load ${l})`);
        if (r.breakdown) console.log(`  vipkeeper log, s after spawn: ${Object.entries(r.breakdown).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      } catch (e) {
        console.log(`${program} ifs=${ifs} #${i + 1}: FAILED (load ${l}): ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}

const rows: string[][] = [];
for (const ifs of sizes) {
  for (const program of programs) {
    const rs = results.filter((r) => r.program === program && r.instances === (ifs === 1 ? 1 : ifs * 250));
    const beyond = summarize(rs.map((r) => r.allVipsS - startupBoundS(program)));
    rows.push([
      program, String(ifs === 1 ? 1 : ifs * 250), String(rs.length),
      startupBoundS(program).toFixed(4), fmt(summarize(rs.map((r) => r.firstLogS)), 3), fmt(summarize(rs.map((r) => r.allBackupS)), 3),
      fmt(summarize(rs.map((r) => r.allVipsS - r.allBackupS)), 3), fmt(summarize(rs.map((r) => r.firstVipS)), 3),
      fmt(summarize(rs.map((r) => r.allVipsS)), 3), fmt(beyond, 3),
      program === 'vipkeeper' ? (beyond.median <= 1 ? 'met' : 'MISSED') : '',
    ]);
  }
}
console.log('\nStart-up to MASTER with VIPs in the kernel; s from spawn, median (min–max); bound = the program\'s own protocol wait');
console.log(table(['program', 'instances', 'n', 'bound s', 'first log line', 'all in BACKUP', 'all BACKUP → all VIPs', 'first VIP', 'all VIPs', 'beyond bound', 'target ≤ bound + 1 s'], rows));
console.log(`\nload average at the end: ${load()}`);
