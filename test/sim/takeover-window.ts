// Invariant 7's arithmetic: when a converged master crashes or stops, the
// global-time window in which each backup must become MASTER, from its own
// timers: Master_Down_Interval after the master's last advert (crash) or
// Skew_Time after the priority-0 advert (stop), stretched by clock drift, plus
// the delay of the path from the leaving master to that backup (its own
// minimum and worst case, not the LAN's). A sync group moves when its last
// member's timer runs out (keepalived's vrrp_sync_can_goto_master), so its
// window is the latest member's.
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import type { SimNode } from './node.ts';
import { pathMaxDelayMs, type Lan } from './lan.ts';
import { masterDownMs, skewMs } from './expect.ts';
import { expectedOf } from './step-checks.ts';

/**
 * Rounding in the timing bounds: the node's clock is read in whole ms (floor,
 * ≤ 1 ms), a wake-up is scheduled at the first global ms whose local reading
 * reaches the deadline (ceil, ≤ 1 ms), and a path delay is rounded to whole ms
 * (≤ 0.5 ms). 3 ms covers the sum.
 */
export const SLACK_MS = 3;

/** A local-clock duration on node's clock, in global ms. */
function onClock(node: SimNode, localMs: number): { min: number; max: number } {
  const g = localMs / node.clock.rate;
  return { min: g, max: g };
}

export interface Takeover {
  readonly vrid: number;
  readonly from: number; // the leaving master
  readonly kind: 'crash' | 'stop';
  readonly leftMs: number; // crash: the old master's last advert; stop: the priority-0 advert
  readonly masterIntervalMs: number; // what a v3 backup learned from the leaving master
  readonly lastRegularMs: number | undefined; // stop + reordering: an advert that may land after the priority 0
  readonly candidates: ReadonlySet<number>;
}

export interface Window {
  readonly earliest: number;
  readonly latest: number;
  readonly waits: string; // what the window was derived from, for the failure message
}

/** The instances that move together with node's instance for vrid, and the takeovers they wait on. */
export function waitsOf(node: SimNode, vrid: number, takeovers: readonly Takeover[]): { members: InstanceConfig[]; mine: Takeover[] } {
  const cfg = node.configForVrid(vrid)!;
  const group = node.groups.find((g) => g.members.includes(cfg.name));
  const members = group ? group.members.map((m) => node.config(m)) : [cfg];
  return { members, mine: takeovers.filter((t) => members.some((m) => m.vrid === t.vrid)) };
}

export function takeoverWindow(node: SimNode, members: readonly InstanceConfig[], mine: readonly Takeover[], lan: Lan): Window {
  let earliest = -Infinity;
  let latest = -Infinity;
  let waits = '';
  for (const t of mine) {
    const m = members.find((c) => c.vrid === t.vrid)!;
    const prio = expectedOf(node, m).priority;
    // The path the leaving master's last advert (or its priority 0) took to this backup.
    const path = lan.path(t.from, node.id);
    const minDelay = Math.max(1, path.delayMinMs);
    const maxDelay = pathMaxDelayMs(path);
    const learnedMs = m.version === 3 ? t.masterIntervalMs : m.advertIntervalMs;
    const waitLocalMs = t.kind === 'crash' ? masterDownMs(m, prio, learnedMs) : skewMs(m, prio, learnedMs);
    // The node's own clock rate (the world knows it), not the ±0.5 % worst case.
    const span = onClock(node, waitLocalMs);
    earliest = Math.max(earliest, t.leftMs + minDelay + span.min - SLACK_MS);
    latest = Math.max(latest, t.leftMs + maxDelay + span.max + SLACK_MS);
    if (t.lastRegularMs !== undefined) {
      latest = Math.max(latest, t.lastRegularMs + maxDelay + onClock(node, masterDownMs(m, prio, learnedMs)).max + SLACK_MS);
    }
    waits += ` ${m.name}: ${t.kind === 'crash' ? 'last advert' : 'priority 0'} at ${t.leftMs}ms + ${t.kind === 'crash' ? 'Master_Down_Interval' : 'Skew_Time'} ${waitLocalMs.toFixed(1)}ms + path r${t.from + 1}→${node.name} ${minDelay}..${maxDelay}ms;`;
  }
  return { earliest, latest, waits };
}

/**
 * The backup (other than the one taking over) whose window closes first. The
 * first takeover must come by then: otherwise a late best backup hides behind
 * a lower one that is on its own time (it would preempt later and the run
 * would still settle). A backup whose sync group also waits on a VRID whose
 * master did not leave may be held back by its group, so it does not count.
 */
export function firstDeadline(nodes: readonly SimNode[], taker: SimNode, vrid: number, takeovers: readonly Takeover[], lan: Lan): (Window & { node: string }) | null {
  let best: (Window & { node: string }) | null = null;
  for (const n of nodes) {
    if (n === taker || !n.running || n.stalled) continue;
    const cfg = n.configForVrid(vrid);
    if (!cfg || n.stateOf(cfg.name) !== 'BACKUP') continue;
    const { members, mine } = waitsOf(n, vrid, takeovers);
    if (!mine.every((t) => t.candidates.has(n.id))) continue;
    if (!members.every((m) => mine.some((t) => t.vrid === m.vrid) || n.stateOf(m.name) === 'MASTER')) continue;
    const w = takeoverWindow(n, members, mine, lan);
    if (best === null || w.latest < best.latest) best = { node: n.name, ...w };
  }
  return best;
}
