// The simulator's event queue: a binary min-heap keyed on (at, seq), so events
// due at the same millisecond run in the order they were scheduled.

export interface Scheduled<T> {
  readonly at: number;
  readonly seq: number;
  readonly item: T;
}

export class EventQueue<T> {
  #heap: Scheduled<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: number, item: T): void {
    const h = this.#heap;
    const e: Scheduled<T> = { at, seq: this.#seq++, item };
    // Sift up with a hole instead of swaps.
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!less(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  peekAt(): number | null {
    return this.#heap.length > 0 ? this.#heap[0]!.at : null;
  }

  pop(): Scheduled<T> | undefined {
    const h = this.#heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && less(h[r]!, h[l]!) ? r : l;
      if (!less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}

function less<T>(x: Scheduled<T>, y: Scheduled<T>): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
