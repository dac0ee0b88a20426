// rise/fall counting for vrrp_script results, as keepalived 2.2.x does it
// (vrrp_scheduler.c, the script child thread; vrrp.c on reload). Pure.
//
// keepalived keeps one counter `result` in 0..rise+fall-1; the script is up
// iff result >= rise. The rules reproduced here:
// - A script nobody has heard from yet is *unknown* (keepalived's INIT state):
//   its weight applies in neither direction, and its counter starts at
//   rise-1, so the first success alone brings it up and the first failure
//   alone brings it down ("one success is enough").
// - `init_fail` makes it start known-down with the counter at 0, so it needs
//   `rise` consecutive successes.
// - Up: a success snaps the counter to the top (rise+fall-1); `fall`
//   consecutive failures bring it down. Down: a failure resets the counter to
//   0; `rise` consecutive successes bring it up.
// - A change is reported only when the up/down status changes, or on the
//   first result of an unknown script.

export interface HysteresisOptions {
  /** Consecutive successes needed to go up (>= 1). */
  readonly rise: number;
  /** Consecutive failures needed to go down (>= 1). */
  readonly fall: number;
  /** keepalived `init_fail`: start down instead of unknown. */
  readonly initFail: boolean;
}

export interface HysteresisState {
  readonly result: number;
  /** No result yet and not init_fail: keepalived's SCRIPT_INIT_STATE_INIT. */
  readonly unknown: boolean;
}

export type TrackerStatus = 'unknown' | 'up' | 'down';

export interface HysteresisStep {
  readonly state: HysteresisState;
  /** The new up value when the reported status changed, else null. */
  readonly changed: boolean | null;
}

function checkOptions(o: HysteresisOptions): void {
  if (!Number.isInteger(o.rise) || o.rise < 1) throw new RangeError(`rise must be an integer >= 1, got ${o.rise}`);
  if (!Number.isInteger(o.fall) || o.fall < 1) throw new RangeError(`fall must be an integer >= 1, got ${o.fall}`);
}

export function initialHysteresis(o: HysteresisOptions): HysteresisState {
  checkOptions(o);
  return o.initFail ? { result: 0, unknown: false } : { result: o.rise - 1, unknown: true };
}

export function statusOf(s: HysteresisState, o: HysteresisOptions): TrackerStatus {
  if (s.unknown) return 'unknown';
  return s.result >= o.rise ? 'up' : 'down';
}

/** Feeds one script result (true = exit status 0). */
export function stepHysteresis(s: HysteresisState, o: HysteresisOptions, success: boolean): HysteresisStep {
  const top = o.rise + o.fall - 1;
  if (success) {
    if (s.result < o.rise - 1) return { state: { result: s.result + 1, unknown: false }, changed: null };
    const wasUp = !s.unknown && s.result >= o.rise;
    return { state: { result: top, unknown: false }, changed: wasUp ? null : true };
  }
  if (s.result > o.rise) return { state: { result: s.result - 1, unknown: false }, changed: null };
  const wasUp = !s.unknown && s.result >= o.rise;
  return { state: { result: 0, unknown: false }, changed: wasUp || s.unknown ? false : null };
}

/**
 * The state a script keeps across a reload whose rise/fall changed
 * (keepalived keeps the distance from the threshold, clamped to the new range).
 */
export function carryOverHysteresis(s: HysteresisState, old: HysteresisOptions, next: HysteresisOptions): HysteresisState {
  checkOptions(next);
  if (s.unknown) return initialHysteresis({ ...next, initFail: false });
  if (s.result < old.rise) {
    const result = s.result === 0 ? 0 : Math.max(0, next.rise - (old.rise - s.result));
    return { result, unknown: false };
  }
  const nextTop = next.rise + next.fall - 1;
  if (s.result === old.rise + old.fall - 1) return { result: nextTop, unknown: false };
  return { result: Math.min(nextTop, next.rise + (s.result - old.rise)), unknown: false };
}
