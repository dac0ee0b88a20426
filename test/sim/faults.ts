// The fault injector: a seeded schedule of things that go wrong on a LAN with
// keepalived pairs: partitions (symmetric, one-way, a single node cut off),
// loss and delay spikes, crashes and restarts, graceful stops, event-loop
// stalls and freezes, tracker flips, carrier loss, wall-clock steps.
import type { Prng } from './prng.ts';
import type { World } from './world.ts';
import type { PathParams } from './lan.ts';

export interface FaultPlan {
  readonly gapMs: number; // mean time between faults
  readonly count: number;
  readonly path: PathParams; // the segment's normal quality, restored by heals
  readonly trackerIds: readonly string[];
  readonly stallScaleMs: number; // about one Master_Down_Interval
}

type Fault = (w: World, prng: Prng, plan: FaultPlan) => void;

const routerIds = (w: World): number[] => w.nodes.map((n) => n.id);
const pickWhere = (w: World, prng: Prng, ok: (i: number) => boolean): number | null => {
  const xs = routerIds(w).filter(ok);
  return xs.length === 0 ? null : prng.pick(xs);
};

const isMaster = (w: World, i: number): boolean => {
  const n = w.nodes[i]!;
  return n.running && n.configs.some((c) => n.stateOf(c.name) === 'MASTER');
};

const FAULTS: ReadonlyArray<readonly [number, string, Fault]> = [
  [3, 'partition', (w, prng) => {
    const sides: number[][] = [[], []];
    for (const i of routerIds(w)) sides[prng.int(0, 1)]!.push(i);
    sides[prng.int(0, 1)]!.push(w.lan.hostId);
    w.partition(sides, prng.chance(0.7));
  }],
  [2, 'isolate', (w, prng) => {
    const i = prng.int(0, w.nodes.length - 1);
    w.partition([[i], [...routerIds(w).filter((x) => x !== i), w.lan.hostId]], prng.chance(0.8));
  }],
  [1, 'swizzle', (w, prng, p) => {
    // Swizzle-clog: cut a random subset off one by one, then restore them one by one in a new order.
    const ids = routerIds(w).filter(() => prng.chance(0.5));
    const gap = Math.max(1, Math.round(p.gapMs / 4));
    ids.forEach((i, k) => w.at(w.now + k * gap, `swizzle: clog r${i + 1}`, () => w.liveness || w.clog(i)));
    const back = prng.shuffled(ids);
    back.forEach((i, k) => w.at(w.now + (ids.length + k) * gap, `swizzle: unclog r${i + 1}`, () => w.liveness || w.unclog(i)));
  }],
  [1, 'acl', (w, prng) => {
    // A one-way filter between two routers (a switch ACL or a firewall rule on one host).
    const a = prng.int(0, w.nodes.length - 1);
    const b = prng.int(0, w.nodes.length - 1);
    if (a !== b) w.block(a, b);
  }],
  [4, 'heal', (w) => w.heal()],
  [2, 'loss', (w, prng, p) => w.setPaths({ ...p.path, lossP: prng.pick([0.05, 0.2, 0.5, 1]) })],
  [1, 'corrupt', (w, prng, p) => w.setPaths({ ...p.path, corruptP: prng.pick([0.01, 0.1]) })],
  [3, 'clean', (w, _prng, p) => w.setPaths(p.path)],
  [1, 'slow', (w, _prng, p) => w.setPaths({ ...p.path, delayMinMs: p.path.delayMinMs + 5, delayMeanMs: p.path.delayMeanMs * 2 + 2 })],
  [3, 'crash', (w, prng) => {
    const i = pickWhere(w, prng, (x) => w.nodes[x]!.status !== 'down');
    if (i !== null) w.crash(i);
  }],
  [2, 'crash-master', (w, prng) => {
    const i = pickWhere(w, prng, (x) => isMaster(w, x));
    if (i !== null) w.crash(i);
  }],
  [2, 'stop-master', (w, prng) => {
    const i = pickWhere(w, prng, (x) => isMaster(w, x));
    if (i !== null) w.stop(i);
  }],
  [4, 'start', (w, prng) => {
    const i = pickWhere(w, prng, (x) => !w.nodes[x]!.running);
    if (i !== null) w.start(i);
  }],
  [2, 'stop', (w, prng) => {
    const i = pickWhere(w, prng, (x) => w.nodes[x]!.running);
    if (i !== null) w.stop(i);
  }],
  [3, 'stall', (w, prng, p) => {
    const i = pickWhere(w, prng, (x) => w.nodes[x]!.running && !w.nodes[x]!.stalled);
    if (i !== null) w.stall(i, Math.round(p.stallScaleMs * prng.pick([0.1, 0.5, 1, 1.5, 3])));
  }],
  [1, 'freeze', (w, prng, p) => {
    const i = pickWhere(w, prng, (x) => w.nodes[x]!.running && !w.nodes[x]!.stalled);
    if (i !== null) w.stall(i, Math.round(p.stallScaleMs * prng.pick([5, 10])), prng.int(0, 8));
  }],
  [4, 'tracker', (w, prng, p) => {
    if (p.trackerIds.length === 0) return;
    const i = prng.int(0, w.nodes.length - 1);
    const id = prng.pick(p.trackerIds);
    w.setTracker(i, id, !(w.nodes[i]!.trackerTruth.get(id) ?? true));
  }],
  [1, 'link', (w, prng) => {
    const n = w.nodes[prng.int(0, w.nodes.length - 1)]!;
    if (n.ifnames.length === 0) return;
    const ifname = n.ifnames.length === 1 ? n.ifnames[0]! : prng.pick(n.ifnames);
    w.setLink(n.id, !n.linkUp(ifname), ifname);
  }],
  [1, 'wall-jump', (w, prng) => w.jumpWallClock(prng.int(0, w.nodes.length - 1), prng.pick([-3_600_000, -1000, 1000, 86_400_000]))],
];

const TOTAL_WEIGHT = FAULTS.reduce((s, f) => s + f[0], 0);

function drawFault(prng: Prng): readonly [number, string, Fault] {
  let x = prng.float() * TOTAL_WEIGHT;
  for (const f of FAULTS) {
    x -= f[0];
    if (x < 0) return f;
  }
  return FAULTS[FAULTS.length - 1]!;
}

/** Schedules plan.count faults from startMs on; returns when the last one strikes. */
export function scheduleFaults(w: World, prng: Prng, plan: FaultPlan, startMs: number): number {
  let t = startMs;
  for (let k = 0; k < plan.count; k++) {
    t += Math.max(1, Math.round(prng.exponential(plan.gapMs)));
    const [, name, fault] = drawFault(prng);
    w.at(t, `fault: ${name}`, () => fault(w, prng, plan));
  }
  return t;
}

/** The liveness phase begins: the network heals, carrier returns, every router runs. */
export function healEverything(w: World, plan: FaultPlan): void {
  w.liveness = true;
  w.heal();
  w.setPaths(plan.path);
  for (const n of w.nodes) {
    for (const i of n.ifnames) if (!n.linkUp(i)) w.setLink(n.id, true, i);
    if (!n.running) w.start(n.id);
  }
}
