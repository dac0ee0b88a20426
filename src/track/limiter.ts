// A counting semaphore with a bounded wait queue (STYLE rule 13: a limit on
// everything). Shared by all vrrp_scripts and notify scripts of a daemon so
// that a burst of checks cannot fork-bomb a small host. Edge-neutral.

export type Release = () => void;

export class Limiter {
  readonly #max: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: Array<(r: Release) => void> = [];
  /** Requests refused because the wait queue was full. */
  refused = 0;

  constructor(maxConcurrent: number, maxWaiting: number) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new RangeError(`maxConcurrent must be >= 1, got ${maxConcurrent}`);
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) throw new RangeError(`maxWaiting must be >= 0, got ${maxWaiting}`);
    this.#max = maxConcurrent;
    this.#maxWaiting = maxWaiting;
  }

  get running(): number { return this.#running; }
  get waiting(): number { return this.#waiting.length; }

  /** A slot, now or later; null when the queue is full (the caller drops the work). */
  acquire(): Promise<Release> | null {
    if (this.#running < this.#max) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting.length >= this.#maxWaiting) {
      this.refused++;
      return null;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next(this.#releaser());
      else this.#running--;
    };
  }
}
