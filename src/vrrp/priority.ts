// Effective priority and the fault flag, derived from scratch every time an
// input changes (STYLE rule 7: keepalived accumulates `total_priority +=
// weight`; we recompute, so a lost or duplicated event cannot skew it).
//
// keepalived 2.2.7 semantics (vrrp_track.c, `man keepalived.conf`):
// - weight > 0 is added while the tracker is up; weight < 0 is added while it
//   is down. A tracker that has not reported yet contributes nothing.
// - `reverse` flips the sign of the adjustment: "the priority is decreased
//   when up and increased when down".
// - weight 0: a failed tracker puts the instance in FAULT; with `reverse`
//   the instance is faulted while the tracker is *up*.
// - the sum is clamped to 1..254; an address owner (base 255) is never moved
//   (keepalived drops weighted trackers of an owner at config time), but its
//   weight-0 trackers still fault it.
//   A value tracker (track_file) contributes value × weight instead, with
//   keepalived's own rules (fileContribution below, from vrrp_track.c):
//   weight 0 faults on a non-zero value (zero with `reverse`); otherwise a
//   product <= -254 faults and one above 253 counts as 253.
//
// These are the core's rules (the core imports nothing from src/track);
// track/file-value.ts parses the file's text into the value.
import type { TrackerRef } from './types.ts';

export const PRIORITY_OWNER = 255;
export const PRIORITY_MIN = 1;
export const PRIORITY_MAX_NON_OWNER = 254;

export const TRACK_FILE_FAULT_AT = -254;
export const TRACK_FILE_MAX_DELTA = 253;

export type FileContribution =
  | { readonly fault: true }
  | { readonly fault: false; readonly delta: number };

/** What the value in a tracked file does to one instance tracking it with `weight` [reverse]. */
export function fileContribution(value: number, weight: number, reverse: boolean): FileContribution {
  if (weight === 0) {
    const faulted = reverse ? value === 0 : value !== 0;
    return faulted ? { fault: true } : { fault: false, delta: 0 };
  }
  const product = value * weight * (reverse ? -1 : 1);
  if (product <= TRACK_FILE_FAULT_AT) return { fault: true };
  const delta = Math.min(product, TRACK_FILE_MAX_DELTA);
  return { fault: false, delta: delta === 0 ? 0 : delta };
}

export interface PriorityResult {
  readonly priority: number;
  /** Id of the first weight-0 tracker holding the instance in FAULT, or null. */
  readonly faultBy: string | null;
}

/** What one tracker adds to the priority in state `up` (undefined = not reported yet). */
export function trackerWeight(ref: TrackerRef, up: boolean | undefined): number {
  if (up === undefined || ref.weight === 0) return 0;
  const active = ref.weight > 0 ? up : !up;
  if (!active) return 0;
  return ref.reverse ? -ref.weight : ref.weight;
}

/** Whether a weight-0 tracker faults the instance. `initFail`: unreported counts as failed. */
export function trackerFaults(ref: TrackerRef, up: boolean | undefined, initFail: boolean): boolean {
  if (ref.weight !== 0) return false;
  if (up === undefined) return initFail;
  return ref.reverse ? up : !up;
}

export function clampPriority(total: number): number {
  if (total < PRIORITY_MIN) return PRIORITY_MIN;
  if (total > PRIORITY_MAX_NON_OWNER) return PRIORITY_MAX_NON_OWNER;
  return total;
}

/**
 * The effective priority of an instance with `basePriority` (1..255) and its
 * trackers in `states` (id → up). Pure; recomputed on every change.
 */
export function effectivePriority(
  basePriority: number,
  trackers: readonly TrackerRef[],
  states: ReadonlyMap<string, boolean | number>,
  initFail = false,
): PriorityResult {
  let total = basePriority;
  let faultBy: string | null = null;
  for (const ref of trackers) {
    const reading = states.get(ref.id);
    if (ref.kind === 'value') {
      const c = fileContribution(typeof reading === 'number' ? reading : 0, ref.weight, ref.reverse);
      if (c.fault) { if (faultBy === null) faultBy = ref.id; } else total += c.delta;
      continue;
    }
    const up = typeof reading === 'boolean' ? reading : undefined;
    if (faultBy === null && trackerFaults(ref, up, initFail)) faultBy = ref.id;
    total += trackerWeight(ref, up);
  }
  const priority = basePriority === PRIORITY_OWNER ? PRIORITY_OWNER : clampPriority(total);
  return { priority, faultBy };
}
