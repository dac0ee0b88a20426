// One seed, start to finish: draw a swarm, start the routers, run the safety
// phase (faults), heal, run the liveness phase, and report. Used by the CLI
// (vopr.ts), the property test and the benchmark.
import { World, SimFailure } from './world.ts';
import { Checker } from './checkers.ts';
import { drawSwarm, type SwarmOverrides } from './swarm.ts';
import { scheduleFaults, healEverything, type FaultPlan } from './faults.ts';
import { Prng } from './prng.ts';

/** How many settle bounds past the usual end a mixed-interval cascade may still run: a margin (16,000 seeds at 30 faults converged at most 1.22 B after last fault + B; docs/simulator.md). */
const MIXED_CASCADE_BOUNDS = 5;

export interface RunOptions extends SwarmOverrides {
  readonly traceSize?: number;
  /** Quiet advert intervals after convergence during which no transition may happen. */
  readonly quietIntervals?: number;
}

export interface RunResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure: string | null;
  readonly trace: string;
  readonly simulatedMs: number;
  readonly routerMs: number; // Σ over routers of simulated time they existed
  readonly world: World;
  readonly checker: Checker;
}

export function runSeed(seed: number, o: RunOptions = {}): RunResult {
  const swarm = drawSwarm(seed, o);
  const world = new World({ seed, nodes: swarm.nodes, path: swarm.path, ...(swarm.cablesMs ? { cablesMs: swarm.cablesMs } : {}), traceSize: o.traceSize ?? 200 });
  const checker = new Checker(world);
  const prng = new Prng(seed ^ 0x5eed);
  const plan: FaultPlan = {
    gapMs: swarm.faultGapMs,
    count: swarm.faultCount,
    path: swarm.path,
    trackerIds: swarm.trackerIds,
    stallScaleMs: swarm.maxIntervalMs * 4,
  };
  let failure: string | null = null;
  try {
    world.nodes.forEach((n, i) => world.at(prng.int(0, swarm.maxIntervalMs), `boot ${n.name}`, () => world.start(i)));
    swarm.nodes.forEach((spec, i) => {
      for (const ifname of spec.linksDown ?? []) world.at(swarm.bootLinksUpAtMs, `boot link ${ifname} r${i + 1} up`, () => world.liveness || world.setLink(i, true, ifname));
    });
    const safetyEndMs = scheduleFaults(world, prng, plan, swarm.maxIntervalMs) + swarm.faultGapMs;
    world.runUntil(safetyEndMs);
    world.at(safetyEndMs, 'liveness: heal everything', () => healEverything(world, plan));
    world.runUntil(safetyEndMs);
    const quietMs = (o.quietIntervals ?? 10) * swarm.maxIntervalMs;
    const refreshMs = Math.max(0, ...swarm.nodes.flatMap((n) => n.instances.map((c) => c.garp.masterRefreshMs ?? 0)));
    const tailMs = refreshMs + quietMs + 100;
    const endMs = world.stallsOverAtMs() + checker.settleBoundMs() + tailMs;
    world.runUntil(endMs);
    // Where routers disagree on advert_int, a cascade of legitimate takeovers
    // moves the settle point past endMs (checkers.ts, #scheduleSettle). Follow
    // it for at most MIXED_CASCADE_BOUNDS more settle bounds, then keep the
    // quiet window (and ARP refresh check) after convergence.
    const capMs = endMs + MIXED_CASCADE_BOUNDS * checker.settleBoundMs();
    while (!checker.converged && checker.settleDueMs > world.now && checker.settleDueMs <= capMs) world.runUntil(checker.settleDueMs);
    if (checker.converged) world.runUntil(Math.max(endMs, (checker.convergedAtMs ?? 0) + tailMs));
    if (!checker.converged) world.fail(`liveness: not converged ${world.now - safetyEndMs}ms after the heal${world.now > endMs ? ' (takeovers kept moving the settle point: mixed advert intervals)' : ''}`);
  } catch (e) {
    if (!(e instanceof SimFailure) && !(e instanceof Error)) throw e;
    failure = e instanceof SimFailure ? e.message : `${e.name}: ${e.message}\n${e.stack ?? ''}`;
  }
  const simulatedMs = world.now;
  return {
    seed,
    ok: failure === null,
    failure,
    trace: failure === null ? '' : world.trace.format(),
    simulatedMs,
    routerMs: simulatedMs * world.nodes.length,
    world,
    checker,
  };
}

export function rerunCommand(seed: number, o: RunOptions = {}): string {
  const extra = [o.routers !== undefined ? `--routers ${o.routers}` : '', o.faults !== undefined ? `--faults ${o.faults}` : '', o.widen === false ? '--classic' : ''].filter(Boolean).join(' ');
  return `node --import tsx test/sim/vopr.ts --seed ${seed}${extra ? ' ' + extra : ''}`;
}
