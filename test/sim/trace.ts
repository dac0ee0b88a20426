// A bounded ring of recent simulator events, printed when an invariant fails
// so the failing seed can be read without rerunning it.

export interface TraceEvent {
  atMs: number; // global simulated time
  node: string;
  what: string;
  detail: string;
  prio: number; // for sends: the advertised priority (-1 otherwise); kept raw so the hot path builds no string
}

export class Trace {
  readonly #ring: TraceEvent[];
  #next = 0;
  #count = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array<TraceEvent>(Math.max(1, capacity));
  }

  add(atMs: number, node: string, what: string, detail: string, prio = -1): void {
    if (this.capacity === 0) return;
    const slot = this.#ring[this.#next];
    if (slot) {
      slot.atMs = atMs;
      slot.node = node;
      slot.what = what;
      slot.detail = detail;
      slot.prio = prio;
    } else {
      this.#ring[this.#next] = { atMs, node, what, detail, prio };
    }
    this.#next = (this.#next + 1) % this.capacity;
    this.#count++;
  }

  /** The last n events, oldest first. */
  last(n = this.capacity): TraceEvent[] {
    const have = Math.min(this.#count, this.capacity, n);
    const out: TraceEvent[] = [];
    for (let k = have; k > 0; k--) {
      const e = this.#ring[(this.#next - k + this.capacity) % this.capacity]!;
      out.push({ ...e });
    }
    return out;
  }

  format(n?: number): string {
    return this.last(n)
      .map((e) => `${(e.atMs / 1000).toFixed(3).padStart(10)}s  ${e.node.padEnd(6)} ${e.what.padEnd(12)} ${e.detail}${e.prio >= 0 ? ` prio ${e.prio}` : ''}`)
      .join('\n');
  }
}
