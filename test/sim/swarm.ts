// Swarm testing (TigerBeetle's VOPR): each seed draws its own world: how many
// routers, which VRIDs, versions, intervals, priorities, preempt options,
// trackers, sync groups, path quality and how often faults strike. Varying
// the whole configuration, not just the fault times, reaches corners a fixed
// topology never does.
//
// A second PRNG (seeded from the seed too) draws the dimensions added later:
// several interfaces, address owners in sync groups, interfaces down at boot
// (so sync group members start in FAULT), per-router cable delays. Drawing
// them apart leaves every earlier draw as it was, so a seed keeps the rest of
// its world (and its faults) when these dimensions leave it unchanged.
import type { Family } from '../../src/base/ip.ts';
import { millis } from '../../src/base/units.ts';
import type { TrackerRef } from '../../src/vrrp/types.ts';
import type { VrrpVersion } from '../../src/vrrp/advert.ts';
import { Prng } from './prng.ts';
import { instanceConfig } from './config.ts';
import { pathMaxDelayMs, type PathParams } from './lan.ts';
import type { NodeSpec } from './world.ts';
import { MAX_DRIFT } from './clock.ts';

export interface Swarm {
  readonly seed: number;
  readonly nodes: readonly NodeSpec[];
  readonly path: PathParams;
  /** Mean time between faults in the safety phase. */
  readonly faultGapMs: number;
  readonly faultCount: number;
  readonly trackerIds: readonly string[];
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Per-router cable delays (ms), or undefined for a uniform segment. */
  readonly cablesMs: readonly number[] | undefined;
  /** When the interfaces that are down at boot (NodeSpec.linksDown) come up, if no fault did it first. */
  readonly bootLinksUpAtMs: number;
}

export interface SwarmOverrides {
  readonly routers?: number;
  readonly faults?: number;
  /** false: the world as drawn before the later dimensions (kept for regression seeds found then). */
  readonly widen?: boolean;
}

interface VridPlan {
  readonly vrid: number;
  readonly version: VrrpVersion;
  readonly family: Family;
  readonly intervalMs: number;
  readonly members: readonly number[];
  readonly owner: number | null;
  readonly vipCount: number;
  readonly unicast: boolean;
  readonly password: string | undefined;
  readonly ifname: string;
  /** v3 only: routers may disagree on the interval; a backup follows the master's (RFC 9568 §6.4.2). */
  readonly intervalFor: (router: number) => number;
}

export function drawSwarm(seed: number, o: SwarmOverrides = {}): Swarm {
  const prng = new Prng(seed);
  const widen = o.widen ?? true;
  const more = new Prng(seed ^ 0x1f_2e_3d);
  const routers = o.routers ?? prng.int(2, 5);
  if (!(routers >= 2 && routers <= 64)) throw new Error(`routers must be 2..64, got ${routers}`);
  const syncMode = prng.chance(0.25);
  const interfaces = widen && more.chance(syncMode ? 0.5 : 0.2) ? ['eth0', 'eth1'] : ['eth0'];
  const plans = drawVrids(prng, routers, syncMode ? prng.int(2, 3) : prng.int(1, 3), syncMode).map((p) => ({ ...p, ifname: more.pick(interfaces) }));
  // A sync group's address owner owns every VRID of its group: an owner of one
  // member at a lower priority in another would thrash the group by design.
  const syncOwner = widen && syncMode && more.chance(0.35) ? more.int(0, routers - 1) : null;
  const trackerIds = ['script:chk_a', 'script:chk_b'].slice(0, prng.int(0, 2));
  const hpsa = prng.chance(0.5);
  const refreshMs = prng.chance(0.4) ? prng.int(2, 20) * 1000 : null;
  const lowerPrioNoAdvert = prng.chance(0.15);
  const nodes: NodeSpec[] = [];
  for (let r = 0; r < routers; r++) {
    const basePrio = prng.chance(0.3) ? prng.pick([50, 100, 100, 150]) : prng.int(1, 254);
    const preempt = prng.chance(0.8);
    const preemptDelayMs = preempt && prng.chance(0.15) ? prng.int(1, 30) * 100 : 0;
    const initialState = preempt && prng.chance(0.2) ? 'MASTER' : 'BACKUP';
    const trackers: TrackerRef[] = trackerIds.filter(() => prng.chance(0.7)).map((id) => ({
      id,
      weight: prng.pick([-50, -20, -10, -5, 0, 5, 10, 20]),
      reverse: prng.chance(0.15),
    }));
    const mine = plans.filter((p) => p.members.includes(r));
    const instances = mine.map((p) => {
      const owner = p.owner === r || syncOwner === r;
      return instanceConfig({
        router: r,
        vrid: p.vrid,
        ifname: p.ifname,
        version: p.version,
        family: p.family,
        advertIntervalMs: p.intervalFor(r),
        ...(p.unicast ? { unicastPeers: p.members.filter((m) => m !== r), checkUnicastSrc: true } : {}),
        ...(p.password !== undefined ? { password: p.password } : {}),
        priority: owner ? 255 : syncMode ? basePrio : prng.chance(0.5) ? basePrio : prng.int(1, 254),
        preempt: owner || preempt,
        preemptDelayMs: owner ? 0 : preemptDelayMs,
        initialState: owner ? 'MASTER' : initialState,
        trackers: owner ? trackers.filter((t) => t.weight === 0) : trackers,
        vipCount: p.vipCount,
        higherPrioSendAdvert: hpsa,
        lowerPrioNoAdvert,
        garp: { masterRefreshMs: refreshMs === null ? null : millis(refreshMs) },
        syncGroup: syncMode ? 'G1' : null,
      });
    });
    const groups = syncMode && instances.length > 1 ? [{ name: 'G1', members: instances.map((i) => i.name) }] : [];
    const clockRate = 1 + (prng.float() * 2 - 1) * MAX_DRIFT;
    // An interface down at boot: with a sync group over two interfaces, one member starts in FAULT.
    const ifs = [...new Set(instances.map((i) => i.ifname))];
    const linksDown = ifs.length > 1 && more.chance(0.3) ? [more.pick(ifs)] : [];
    nodes.push({ instances, groups, clockRate, linksDown });
  }
  const intervals = plans.flatMap((p) => p.members.map((m) => p.intervalFor(m)));
  const minIntervalMs = Math.min(...intervals);
  const path = drawPath(prng, minIntervalMs);
  // Paths that differ: each router's cable adds to the minimum delay at both ends, within the budget.
  const room = minIntervalMs / 4 - pathMaxDelayMs(path);
  const cablesMs = widen && room >= 6 && more.chance(0.4) ? Array.from({ length: routers + 1 }, () => more.int(0, Math.min(10, Math.floor(room / 2)))) : undefined;
  return {
    seed,
    nodes,
    path,
    faultGapMs: Math.max(...intervals) * prng.pick([1, 3, 8, 15, 30]),
    faultCount: o.faults ?? prng.int(4, 16),
    trackerIds,
    minIntervalMs,
    maxIntervalMs: Math.max(...intervals),
    cablesMs,
    bootLinksUpAtMs: more.int(1, 20) * Math.max(...intervals),
  };
}

function drawVrids(prng: Prng, routers: number, count: number, allMembers: boolean): Array<Omit<VridPlan, 'ifname'>> {
  const used = new Set<number>();
  const out: Array<Omit<VridPlan, 'ifname'>> = [];
  for (let k = 0; k < count; k++) {
    let vrid = prng.int(1, 255);
    while (used.has(vrid)) vrid = prng.int(1, 255);
    used.add(vrid);
    const version: VrrpVersion = prng.chance(0.3) ? 2 : 3;
    const family: Family = version === 3 && prng.chance(0.3) ? 6 : 4;
    const intervalMs = version === 2 ? prng.pick([1000, 1000, 2000]) : prng.pick([100, 200, 500, 1000, 1000, 2000]);
    let members = Array.from({ length: routers }, (_, i) => i).filter(() => allMembers || prng.chance(0.85));
    if (members.length < 2) members = [0, 1];
    const owner = !allMembers && prng.chance(0.1) ? prng.pick(members) : null;
    const mixed = version === 3 && prng.chance(0.15) ? members.map(() => prng.pick([intervalMs, intervalMs * 2, Math.max(100, intervalMs / 2)])) : null;
    out.push({
      vrid, version, family, intervalMs: mixed ? Math.max(...mixed) : intervalMs, members, owner,
      vipCount: prng.int(1, 2),
      unicast: prng.chance(0.15),
      password: version === 2 && prng.chance(0.3) ? 'secret1' : undefined,
      intervalFor: (r) => (mixed ? mixed[members.indexOf(r)]! : intervalMs),
    });
  }
  return out;
}

/** Path quality: a quarter of the shortest interval bounds the worst one-way delay. */
function drawPath(prng: Prng, minIntervalMs: number): PathParams {
  const budget = minIntervalMs / 4;
  for (;;) {
    const p: PathParams = {
      lossP: 0,
      delayMinMs: prng.int(0, 3),
      delayMeanMs: prng.pick([0, 0.5, 2, 5]),
      jitterMs: prng.pick([0, 1, 5]),
      dupP: prng.pick([0, 0, 0.01, 0.1]),
      reorderP: prng.pick([0, 0, 0.05]),
      reorderExtraMs: 10,
      corruptP: 0,
    };
    if (pathMaxDelayMs(p) <= budget) return p;
  }
}
