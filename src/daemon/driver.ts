// One OS timer for the whole daemon, armed at the core's next deadline
// (STYLE rule 2). Expiry is decided by reading the monotonic clock, so a
// spurious or early wake-up is harmless; a late one is measured and reported,
// because a late timer is how a Node daemon causes false takeovers.
// Read first, then decide: before an expired timer reaches the core, `read`
// takes in what the sockets hold. Node runs timers before it polls sockets,
// so after a stall (GC pause, SIGSTOP) the master's queued adverts would
// otherwise arrive only after our takeover; keepalived reads a readable
// socket before it acts on a timeout. The whole read is one batch with the
// core's timers held (`holdTimers`): the first advert queued may be a lower
// one that resets nothing, and must not fire the expired timer before the
// master's adverts behind it are read.
import type { Millis } from '../base/units.ts';
import type { Clock } from './clock.ts';

/** How close to a takeover deadline the driver stops sleeping and spins on setImmediate. */
const SPIN_MS = 1.5;

export interface DriverHooks {
  /** Earliest deadline of all instances, or null if none is armed. */
  nextDeadline(): Millis | null;
  /** Earliest deadline whose lateness costs a client (a takeover); woken for precisely. */
  nextPreciseDeadline(): Millis | null;
  /** Reads every input queued now (the VRRP sockets), synchronously; runs before `fire`. */
  read?(): void;
  /** Runs `read` with the core's timers held (Router.readBatch): no datagram read fires an expired timer. */
  holdTimers?(read: () => void): void;
  /** Fires every expired timer slot; called with the current time (read after `read`). */
  fire(now: Millis): void;
  /** A timer fired `lateMs` after its deadline. */
  late(lateMs: number, deadline: Millis): void;
}

export class Driver {
  readonly #clock: Clock;
  readonly #hooks: DriverHooks;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #spinning = false;
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
    if (next === this.#armedFor && (this.#timer !== null || this.#spinning)) return;
    this.#cancel();
    this.#armedFor = next;
    if (next === null) return;
    const delay = next - this.#clock.now();
    const precise = next === this.#hooks.nextPreciseDeadline();
    if (precise && delay <= SPIN_MS) {
      this.#spin(next);
      return;
    }
    // setTimeout has millisecond granularity. An ordinary deadline (send an
    // advert) is armed rounded up and may fire up to 1 ms late; a takeover is
    // armed SPIN_MS early and finished with setImmediate turns, which keep
    // serving IO while they wait out the last fraction of a millisecond.
    const wait = precise ? Math.max(0, Math.floor(delay - SPIN_MS)) : Math.max(0, Math.ceil(delay));
    this.#timer = setTimeout(() => this.#onTimer(next), wait);
  }

  #spin(deadline: Millis): void {
    this.#spinning = true;
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      this.#spinning = false;
      if (this.#stopped || this.#armedFor !== deadline) return;
      if (this.#clock.now() < deadline) this.#spin(deadline);
      else this.#onTimer(deadline);
    });
  }

  #onTimer(deadline: Millis): void {
    this.#timer = null;
    this.#armedFor = null;
    const now = this.#clock.now();
    if (now >= deadline) {
      const lateMs = now - deadline;
      this.#hooks.late(lateMs, deadline);
      const read = this.#hooks.read;
      if (read !== undefined) {
        if (this.#hooks.holdTimers !== undefined) this.#hooks.holdTimers(read);
        else read();
      }
      this.#hooks.fire(this.#clock.now());
    }
    this.rearm();
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
    this.#spinning = false;
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel();
  }
}
