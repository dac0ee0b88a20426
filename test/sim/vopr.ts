// The simulator's command line (TigerBeetle's VOPR):
//   node --import tsx test/sim/vopr.ts --seed 42            one seed, verbose on failure
//   node --import tsx test/sim/vopr.ts --seeds 1..2000      a range
//   node --import tsx test/sim/vopr.ts --random 500         random seeds (from the wall clock)
// Options: --routers N, --faults N, --trace N (events printed on failure), --summary,
// --classic (the world without the later dimensions: interfaces, owners in sync groups, cables).
import { parseArgs } from 'node:util';
import { runSeed, rerunCommand, type RunOptions } from './run.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    random: { type: 'string' },
    routers: { type: 'string' },
    faults: { type: 'string' },
    trace: { type: 'string', default: '60' },
    summary: { type: 'boolean', default: false },
    classic: { type: 'boolean', default: false },
  },
});

function seedList(): number[] {
  if (values.seed !== undefined) return [Number(values.seed)];
  if (values.seeds !== undefined) {
    const m = /^(\d+)\.\.(\d+)$/.exec(values.seeds);
    if (!m) throw new Error('--seeds wants A..B');
    const out: number[] = [];
    for (let s = Number(m[1]); s <= Number(m[2]); s++) out.push(s);
    return out;
  }
  // A long job's random seeds: the one place the wall clock picks a seed, and it is printed.
  const n = Number(values.random ?? '100');
  const base = Date.now() % 1_000_000_000;
  return Array.from({ length: n }, (_, i) => base * 1000 + i);
}

const opts: RunOptions = {
  ...(values.routers !== undefined ? { routers: Number(values.routers) } : {}),
  ...(values.faults !== undefined ? { faults: Number(values.faults) } : {}),
  traceSize: Number(values.trace),
  ...(values.classic ? { widen: false } : {}),
};

const seeds = seedList();
const t0 = performance.now();
let routerMs = 0;
let failed = 0;
for (const seed of seeds) {
  const r = runSeed(seed, opts);
  routerMs += r.routerMs;
  if (values.summary || seeds.length === 1) {
    const c = r.checker.counts;
    console.log(`seed ${seed}: ${r.ok ? 'ok' : 'FAILED'}  ${r.world.nodes.length} routers, ${(r.simulatedMs / 1000).toFixed(1)}s simulated, ${r.world.stats.events} events, settles ${c.settles} (skipped ${c.settleSkipped}), takeovers timed ${c.takeoverChecks} (against another backup ${c.rivalChecks}, early-checked ${r.checker.early.checked}), arp checks ${c.arpChecks}`);
  }
  if (!r.ok) {
    failed++;
    console.log(`\nFAILED seed ${seed}: ${r.failure}\n\nlast ${values.trace} events:\n${r.trace}\n\nrerun: ${rerunCommand(seed, opts)}\n`);
  }
}
const wallS = (performance.now() - t0) / 1000;
console.log(`${seeds.length - failed}/${seeds.length} seeds passed in ${wallS.toFixed(1)}s (${(routerMs / 3_600_000).toFixed(1)} simulated router-hours)`);
process.exit(failed === 0 ? 0 : 1);
