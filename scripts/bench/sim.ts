// Benchmark of the simulator: simulated router-hours per wall-clock minute on
// one core (target ≥ 10,000), with every check on and every advert encoded and
// decoded at each receiver.
// Usage: node --import tsx scripts/bench/sim.ts [steadyHours=200] [seeds=300] [runs=3]
// Cases: (1) steady state: 3 routers, one VRID, VRRPv3 at 1 s, a LAN with
// delay and jitter, no faults (the common case: a long quiet run);
// (2) the same with 10 routers and 3 VRIDs (one of them at 100 ms);
// (3) the fault swarm: seeds 1..N exactly as the property tests run them.
// Reports wall time and CPU time (user + system; less inflated by other load
// on a shared machine) and router-hours per minute of each.
import { Scenario, type RouterSpec } from '../../test/sim/scenario.ts';
import { runSeed } from '../../test/sim/run.ts';

const steadyHours = Number(process.argv[2] ?? 200);
const seeds = Number(process.argv[3] ?? 300);
const runs = Number(process.argv[4] ?? 3);
const HOUR_MS = 3_600_000;

interface Measured {
  readonly name: string;
  readonly routerHours: number;
  readonly wallS: number;
  readonly cpuS: number;
  readonly events: number;
}

/** Median (by CPU time) of `runs` runs of one case. */
function measure(name: string, run: () => { routerHours: number; events: number }): Measured {
  const all: Measured[] = [];
  for (let k = 0; k < runs; k++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = run();
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    all.push({ name, routerHours: r.routerHours, events: r.events, wallS, cpuS: (cpu.user + cpu.system) / 1e6 });
  }
  return all.sort((a, b) => a.cpuS - b.cpuS)[Math.floor(all.length / 2)]!;
}

const lanPath = { lossP: 0, delayMinMs: 1, delayMeanMs: 1, jitterMs: 2, dupP: 0, reorderP: 0, reorderExtraMs: 0, corruptP: 0 };

function steady(routers: RouterSpec[], hours: number) {
  const s = new Scenario(routers, { path: lanPath }).startAll(0, 7);
  s.runUntil(hours * HOUR_MS);
  if (s.world.transitions.filter((t) => t.atMs > 60_000).length > 0) throw new Error('steady state flapped');
  return { routerHours: hours * routers.length, events: s.world.stats.events };
}

const trio: RouterSpec[] = [150, 100, 50].map((priority) => ({ instances: [{ vrid: 1, priority }] }));
const ten: RouterSpec[] = Array.from({ length: 10 }, (_, i) => ({
  instances: [
    { vrid: 1, priority: 200 - i },
    { vrid: 2, priority: 100 + i, version: 2 as const },
    { vrid: 3, priority: 50 + 3 * i, advertIntervalMs: 100 },
  ],
}));

steady(trio, 2); // warm-up
const results: Measured[] = [
  measure(`steady: 3 routers, 1 VRID (v3, 1 s), ${steadyHours} h`, () => steady(trio, steadyHours)),
  measure(`steady: 10 routers, 3 VRIDs (1 s, v2 1 s, 100 ms), ${Math.round(steadyHours / 10)} h`, () => steady(ten, Math.round(steadyHours / 10))),
  measure(`swarm: seeds 1..${seeds} with faults`, () => {
    let routerMs = 0;
    let events = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = runSeed(seed, { traceSize: 60 });
      if (!r.ok) throw new Error(`seed ${seed} failed: ${r.failure}`);
      routerMs += r.routerMs;
      events += r.world.stats.events;
    }
    return { routerHours: routerMs / HOUR_MS, events };
  }),
];

console.log(`node ${process.version}, median of ${runs} runs, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| case | router-hours | wall s | CPU s | router-h / wall min | router-h / CPU min | events / CPU s |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const m of results) {
  const perWallMin = (m.routerHours / m.wallS) * 60;
  const perCpuMin = (m.routerHours / m.cpuS) * 60;
  console.log(`| ${m.name} | ${m.routerHours.toFixed(0)} | ${m.wallS.toFixed(1)} | ${m.cpuS.toFixed(1)} | ${Math.round(perWallMin).toLocaleString('en')} | ${Math.round(perCpuMin).toLocaleString('en')} | ${Math.round(m.events / m.cpuS).toLocaleString('en')} |`);
}
