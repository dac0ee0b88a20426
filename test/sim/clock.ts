// Simulated time. The simulation runs on one global integer-millisecond clock;
// each node sees its own monotonic clock running at a slightly different rate
// (crystal drift, ±0.5 %), and a wall clock that can jump. The core only ever
// receives the monotonic reading (STYLE rule 2): the wall clock exists so a
// check can show that a jump changes nothing.
import { millis, type Millis } from '../../src/base/units.ts';

export const MAX_DRIFT = 0.005;

export class NodeClock {
  readonly rate: number;
  readonly #offsetMs: number;
  #wallOffsetMs = 0;

  /** rate: local ms per global ms (e.g. 1.003); offset: the node's monotonic reading at global 0. */
  constructor(rate: number, offsetMs: number) {
    if (!(rate >= 1 - MAX_DRIFT && rate <= 1 + MAX_DRIFT)) throw new Error(`clock rate out of range: ${rate}`);
    this.rate = rate;
    this.#offsetMs = Math.floor(offsetMs);
  }

  /** The node's monotonic reading at global time g. */
  local(globalMs: number): Millis {
    return millis(Math.floor(this.#offsetMs + globalMs * this.rate));
  }

  /** The earliest global millisecond at which the node's monotonic clock reads at least localMs. */
  globalAt(localMs: number): number {
    let g = Math.ceil((localMs - this.#offsetMs) / this.rate);
    while (this.local(g) < localMs) g++; // guard against floating-point rounding
    while (g > 0 && this.local(g - 1) >= localMs) g--;
    return g;
  }

  /** Wall-clock time (what Date.now() would say): jumps with NTP steps, never fed to the core. */
  wall(globalMs: number): number {
    return 1_700_000_000_000 + globalMs + this.#wallOffsetMs;
  }

  jumpWall(deltaMs: number): void {
    this.#wallOffsetMs += deltaMs;
  }
}
