// One OS timer for the whole daemon, armed at the core's next deadline
// (STYLE rule 2). Expiry is decided by reading the monotonic clock, so a
// spurious or early wake-up is harmless; a late one is measured and reported,
// because a late timer is how a Node daemon causes false takeovers.
import type { Millis } from '../base/units.ts';
import type { Clock } from './clock.ts';

export interface DriverHooks {
  /** Earliest deadline of all instances, or null if none is armed. */
  nextDeadline(): Millis | null;
  /** Fires every expired timer slot; called with the current time. */
  fire(now: Millis): void;
  /** A timer fired `lateMs` after its deadline. */
  late(lateMs: number, deadline: Millis): void;
}

export class Driver {
  readonly #clock: Clock;
  readonly #hooks: DriverHooks;
  #timer: NodeJS.Timeout | null = null;
  #armedFor: Millis | null = null;
  #stopped = false;

  constructor(clock: Clock, hooks: DriverHooks) {
    this.#clock = clock;
    this.#hooks = hooks;
  }

  /** Re-arms the single timer if the core's next deadline changed. Call after every event. */
  rearm(): void {
    if (this.#stopped) return;
    const next = this.#hooks.nextDeadline();
    if (next === this.#armedFor && this.#timer !== null) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#armedFor = next;
    if (next === null) return;
    const delay = Math.max(0, next - this.#clock.now());
    // setTimeout has millisecond granularity and may wake a little early;
    // #onTimer re-checks the clock and re-arms for the remainder.
    this.#timer = setTimeout(() => this.#onTimer(next), Math.ceil(delay));
  }

  #onTimer(deadline: Millis): void {
    this.#timer = null;
    this.#armedFor = null;
    const now = this.#clock.now();
    if (now >= deadline) {
      const lateMs = now - deadline;
      this.#hooks.late(lateMs, deadline);
      this.#hooks.fire(now);
    }
    this.rearm();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
