// Failover benchmark (docs/benchmarks.md, "Failover"): vipkeeper and Debian's
// keepalived 2.2.7 side by side in one run, trials interleaved so both see the
// same machine load. Run as root:
//   node --import tsx scripts/bench/failover.ts [--mode hard|kill|graceful|both|all] [--n 5] [--intervals 1,0.1,0.01]
//     [--programs vipkeeper,keepalived] [--diag]
// --diag: vipkeeper on r2 logs JSON (ms times), and each trial prints where its time went.
import { runTrial, boundS, type Mode, type Program, type TrialResult } from './lib/failover-trial.ts';
import { fmt, load, summarize, table } from './lib/stats.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}

const modeArg = arg('mode', 'both');
const modes: Mode[] = modeArg === 'both' ? ['hard', 'graceful'] : modeArg === 'all' ? ['hard', 'kill', 'graceful'] : [modeArg as Mode];
const n = Math.min(Math.max(Number(arg('n', '5')), 1), 20);
const intervals = arg('intervals', '1,0.1,0.01').split(',');
const programs = arg('programs', 'vipkeeper,keepalived').split(',') as Program[];
const diag = process.argv.includes('--diag');
const TARGET_MS = 5;

const results: TrialResult[] = [];
const loads: string[] = [];
for (const mode of modes) {
  for (const advertInt of intervals) {
    for (let i = 0; i < n; i++) {
      // Alternate who goes first, so neither always runs right after the other.
      const order = i % 2 === 0 ? programs : [...programs].reverse();
      for (const program of order) {
        const l = load();
        loads.push(l);
        try {
          const r = await runTrial(program, advertInt, mode, diag);
          results.push(r);
          console.log(`${mode} ${program} advert_int ${advertInt} #${i + 1}: beyond ${r.beyondMs.toFixed(2)} ms, ` +
            `GARP beyond ${r.garpBeyondMs.toFixed(2)} ms, client gap ${r.gapMs.toFixed(1)} ms, ` +
            `false takeovers before kill ${r.flapsBefore}${r.note ? `, ${r.note}` : ''} (load ${l})`);
          if (r.breakdown) console.log(`  r2 log, ms after the bound ran out: ${Object.entries(r.breakdown).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
        } catch (e) {
          console.log(`${mode} ${program} advert_int ${advertInt} #${i + 1}: FAILED (load ${l}): ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
  }
}

for (const mode of modes) {
  const rows: string[][] = [];
  for (const advertInt of intervals) {
    for (const program of programs) {
      const rs = results.filter((r) => r.mode === mode && r.program === program && r.advertIntS === Number(advertInt));
      const beyond = summarize(rs.map((r) => r.beyondMs));
      rows.push([
        program, advertInt, (boundS(mode, Number(advertInt)) * 1000).toFixed(1), String(rs.length),
        fmt(beyond, 2), fmt(summarize(rs.map((r) => r.garpBeyondMs)), 2), fmt(summarize(rs.map((r) => r.gapMs)), 1),
        String(rs.reduce((a, r) => a + r.flapsBefore, 0)),
        program === 'vipkeeper' ? (beyond.median <= TARGET_MS ? 'met' : 'MISSED') : '',
      ]);
    }
  }
  console.log(`\n${mode === 'hard' ? 'Hard failover (SIGSTOP+SIGKILL, link cut at the bridge)' : mode === 'kill' ? 'SIGKILL alone (r1\'s kernel keeps the VIP)' : 'Graceful handover (SIGTERM)'}; ms, median (min–max)`);
  console.log(table(['program', 'advert_int s', 'bound ms', 'n', 'VIP beyond bound', 'GARP beyond bound', 'client gap', 'false takeovers', `target ≤ ${TARGET_MS} ms`], rows));
}
console.log(`\nload average at trial starts: first ${loads[0]}, last ${loads.at(-1)}`);
