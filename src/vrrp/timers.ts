// Named deadline slots (STYLE rule 2, quinn's TimerTable, keepalived's
// "sands"). Setting a slot replaces its deadline, so there is no
// cancel-then-add ordering to get wrong. Deadlines are absolute `now`-based
// times; the driver keeps one OS timer at `next()`.
import type { Millis } from '../base/units.ts';
import { assert } from '../base/assert.ts';

export const TIMER_SLOTS = [
  'advert', // MASTER: send the next advertisement
  'masterDown', // BACKUP: no advert heard for Master_Down_Interval
  'preemptDelay', // BACKUP: preempt_delay running
  'garpDelay', // MASTER: second GARP burst garp_master_delay after becoming MASTER
  'garpRefresh', // MASTER: periodic GARP (garp_master_refresh)
  'lowerPrioGarp', // MASTER: delayed GARP after a lower-priority advert (garp_lower_prio_delay)
] as const;
export type TimerSlot = (typeof TIMER_SLOTS)[number];

const SLOT_INDEX: Readonly<Record<TimerSlot, number>> = {
  advert: 0,
  masterDown: 1,
  preemptDelay: 2,
  garpDelay: 3,
  garpRefresh: 4,
  lowerPrioGarp: 5,
};

const UNARMED = Number.POSITIVE_INFINITY;

export class TimerTable {
  // One number per slot, +Infinity when unarmed: no allocation on the hot path.
  readonly #at = new Float64Array(TIMER_SLOTS.length).fill(UNARMED);

  set(slot: TimerSlot, at: Millis): void {
    if (!Number.isFinite(at)) assert(false, `timer ${slot}: deadline must be finite`);
    this.#at[SLOT_INDEX[slot]] = at;
  }

  clear(slot: TimerSlot): void {
    this.#at[SLOT_INDEX[slot]] = UNARMED;
  }

  clearAll(): void {
    this.#at.fill(UNARMED);
  }

  armed(slot: TimerSlot): boolean {
    return this.#at[SLOT_INDEX[slot]] !== UNARMED;
  }

  get(slot: TimerSlot): Millis | null {
    const at = this.#at[SLOT_INDEX[slot]]!;
    return at === UNARMED ? null : (at as Millis);
  }

  /** True if `slot` is armed and its deadline is at or before `now`; does not clear it. */
  due(slot: TimerSlot, now: Millis): boolean {
    return this.#at[SLOT_INDEX[slot]]! <= now;
  }

  /** Earliest armed deadline, or null. */
  next(): Millis | null {
    let min = UNARMED;
    for (let i = 0; i < this.#at.length; i++) if (this.#at[i]! < min) min = this.#at[i]!;
    return min === UNARMED ? null : (min as Millis);
  }

  /** Armed slots as [slot, deadline] pairs (for invariants and status dumps). */
  entries(): Array<[TimerSlot, Millis]> {
    const out: Array<[TimerSlot, Millis]> = [];
    for (const slot of TIMER_SLOTS) {
      const at = this.get(slot);
      if (at !== null) out.push([slot, at]);
    }
    return out;
  }
}
