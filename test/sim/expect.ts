// What the protocol says should happen, computed independently of the core
// (a second implementation to compare against, not an import of the first).
//
// Priority (keepalived, `man keepalived.conf`, track_* "weight W [reverse]"):
// a positive weight is added while the tracker is up, a negative one while it
// is down; `reverse` flips the sign ("decreased when up, increased when down");
// weight 0 faults the instance while down (while up with reverse); a tracker
// that has not reported contributes nothing. Clamped to 1..254; 255 (owner) is fixed.
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import { MAX_DRIFT } from './clock.ts';

export interface Expected {
  readonly priority: number;
  readonly fault: boolean;
}

export function expectedPriority(cfg: InstanceConfig, reported: ReadonlyMap<string, boolean>): Expected {
  let total = cfg.priority;
  let fault = false;
  for (const t of cfg.trackers) {
    const up = reported.get(t.id);
    if (t.weight === 0) {
      if (up === undefined) fault ||= cfg.initFail;
      else fault ||= t.reverse ? up : !up;
      continue;
    }
    if (up === undefined) continue;
    const applies = t.weight > 0 ? up : !up;
    if (applies) total += t.reverse ? -t.weight : t.weight;
  }
  const priority = cfg.priority === 255 ? 255 : Math.min(254, Math.max(1, total));
  return { priority, fault };
}

/** Skew_Time in ms: v2 (256 − p)/256 s; v3 (256 − p) × interval / 256. */
export function skewMs(cfg: InstanceConfig, priority: number, masterIntervalMs: number = cfg.advertIntervalMs): number {
  return ((256 - priority) * (cfg.version === 2 ? 1000 : masterIntervalMs)) / 256;
}

export function masterDownMs(cfg: InstanceConfig, priority: number, masterIntervalMs: number = cfg.advertIntervalMs): number {
  return cfg.downTimerAdverts * masterIntervalMs + skewMs(cfg, priority, masterIntervalMs);
}

/** A local-clock duration as global time, at the slowest and fastest legal drift. */
export function globalSpan(localMs: number): { min: number; max: number } {
  return { min: localMs / (1 + MAX_DRIFT), max: localMs / (1 - MAX_DRIFT) };
}

/**
 * Whether `master` is a legitimate stable master among `eligible` peers
 * (RFC 9568 §6.4.2): a backup takes over only when preempting is on (always
 * for an owner) and its priority is strictly higher. Equal priority never
 * preempts; the address tie-break only settles two simultaneous masters.
 */
export function isLegitMaster(master: number, eligible: ReadonlyArray<{ id: number; cfg: InstanceConfig; priority: number }>): boolean {
  const m = eligible.find((e) => e.id === master);
  if (!m) return false;
  return eligible.every((e) => e.id === master || !(e.priority > m.priority && (e.cfg.preempt || e.priority === 255)));
}
