// One simulated L2 segment. Endpoints 0..n-1 are routers, endpoint n is the
// host. A frame sent by one endpoint reaches every other attached endpoint
// (multicast/broadcast) unless the path is blocked; each path applies its own
// loss, delay (minimum + capped exponential + uniform jitter), duplication and
// reordering (an occasional extra delay so later frames overtake it).
import type { Prng } from './prng.ts';

export interface PathParams {
  readonly lossP: number;
  readonly delayMinMs: number;
  readonly delayMeanMs: number; // mean of the exponential part
  readonly jitterMs: number; // uniform extra in [0, jitterMs]
  readonly dupP: number;
  readonly reorderP: number;
  readonly reorderExtraMs: number; // uniform extra in [0, reorderExtraMs] for reordered frames
  readonly corruptP: number; // one bit flipped; the receiver's codec must reject it (so it is loss too)
}

export const CLEAN_PATH: PathParams = {
  lossP: 0, delayMinMs: 1, delayMeanMs: 0, jitterMs: 0, dupP: 0, reorderP: 0, reorderExtraMs: 0, corruptP: 0,
};

/** The exponential tail is cut here (in means) so the convergence bound B stays finite. */
const EXP_CAP = 8;

export function pathMaxDelayMs(p: PathParams): number {
  return p.delayMinMs + EXP_CAP * p.delayMeanMs + p.jitterMs + (p.reorderP > 0 ? p.reorderExtraMs : 0);
}

export class Lan {
  readonly endpoints: number;
  readonly hostId: number;
  #paths: PathParams[];
  #blocked: Uint8Array; // [from * endpoints + to] = 1 when the path is cut
  #lastAt: Float64Array; // per path: when its last in-order frame arrives (FIFO)
  #prng: Prng;
  /** Per endpoint: the extra one-way delay of its own cable (ms), so paths differ from one another. */
  #cableMs: Float64Array;

  constructor(routers: number, prng: Prng, path: PathParams = CLEAN_PATH) {
    this.endpoints = routers + 1;
    this.hostId = routers;
    this.#paths = new Array<PathParams>(this.endpoints * this.endpoints).fill(path);
    this.#blocked = new Uint8Array(this.endpoints * this.endpoints);
    this.#lastAt = new Float64Array(this.endpoints * this.endpoints);
    this.#cableMs = new Float64Array(this.endpoints);
    this.#prng = prng;
  }

  /** Gives each endpoint a cable delay; every later setAllPaths adds both ends' cables to a path's minimum. */
  setCables(cableMs: readonly number[]): void {
    cableMs.forEach((c, e) => (this.#cableMs[e] = c));
  }

  path(from: number, to: number): PathParams {
    return this.#paths[from * this.endpoints + to]!;
  }

  setPath(from: number, to: number, p: PathParams): void {
    this.#paths[from * this.endpoints + to] = p;
  }

  setAllPaths(p: PathParams): void {
    if (this.#cableMs.every((c) => c === 0)) {
      this.#paths.fill(p);
      return;
    }
    for (let a = 0; a < this.endpoints; a++) {
      for (let b = 0; b < this.endpoints; b++) this.#paths[a * this.endpoints + b] = { ...p, delayMinMs: p.delayMinMs + this.#cableMs[a]! + this.#cableMs[b]! };
    }
  }

  /** Cuts from → to only (an asymmetric partition is a set of these). */
  block(from: number, to: number): void {
    this.#blocked[from * this.endpoints + to] = 1;
  }

  /** Splits the segment: endpoints in different groups can't hear each other (both ways when symmetric). */
  partition(groups: readonly (readonly number[])[], symmetric = true): void {
    const groupOf = new Map<number, number>();
    groups.forEach((g, i) => g.forEach((e) => groupOf.set(e, i)));
    for (let a = 0; a < this.endpoints; a++) {
      for (let b = 0; b < this.endpoints; b++) {
        const ga = groupOf.get(a);
        const gb = groupOf.get(b);
        if (ga === undefined || gb === undefined || ga === gb) continue;
        if (symmetric || ga < gb) this.block(a, b);
      }
    }
  }

  heal(): void {
    this.#blocked.fill(0);
  }

  /** Cuts every path to and from endpoint e (FoundationDB's "clog"). */
  clog(e: number): void {
    for (let x = 0; x < this.endpoints; x++) {
      if (x === e) continue;
      this.block(e, x);
      this.block(x, e);
    }
  }

  /** Restores every path to and from e (other cuts stay). */
  unclog(e: number): void {
    for (let x = 0; x < this.endpoints; x++) {
      this.#blocked[e * this.endpoints + x] = 0;
      this.#blocked[x * this.endpoints + e] = 0;
    }
  }

  canReach(from: number, to: number): boolean {
    // Carrier is per router interface and applied by the world (World.setLink), not here.
    return from !== to && this.#blocked[from * this.endpoints + to] === 0;
  }

  reorders(): boolean {
    return this.#paths.some((p) => p.reorderP > 0);
  }

  lossy(): boolean {
    return this.#paths.some((p) => p.lossP > 0 || p.corruptP > 0);
  }

  maxDelayMs(): number {
    let m = 0;
    for (const p of this.#paths) m = Math.max(m, pathMaxDelayMs(p));
    return m;
  }

  minDelayMs(): number {
    let m = Infinity;
    for (const p of this.#paths) m = Math.min(m, p.delayMinMs);
    return m;
  }

  /**
   * The fate of one frame sent at nowMs on one path: the delays (ms from now)
   * of the copies that arrive: none when lost or cut, two when duplicated.
   * A path is FIFO, as a switch port is: a copy never overtakes an earlier one,
   * except that a frame picked for reordering is held back without holding
   * back the frames after it.
   */
  fates(from: number, to: number, nowMs: number): number[] {
    if (!this.canReach(from, to)) return [];
    const p = this.path(from, to);
    if (this.#prng.chance(p.lossP)) return [];
    const out = [this.#delay(p, from * this.endpoints + to, nowMs)];
    if (this.#prng.chance(p.dupP)) out.push(this.#delay(p, from * this.endpoints + to, nowMs));
    return out;
  }

  #delay(p: PathParams, k: number, nowMs: number): number {
    const exp = Math.min(this.#prng.exponential(p.delayMeanMs), EXP_CAP * p.delayMeanMs);
    const jitter = p.jitterMs > 0 ? this.#prng.float() * p.jitterMs : 0;
    const d = Math.max(1, Math.round(p.delayMinMs + exp + jitter));
    if (this.#prng.chance(p.reorderP)) return d + Math.round(this.#prng.float() * p.reorderExtraMs);
    const at = Math.max(nowMs + d, this.#lastAt[k]!);
    this.#lastAt[k] = at;
    return at - nowMs;
  }
}

/** Connected components of the "can hear each other both ways" graph over the given endpoints. */
export function components(lan: Lan, members: readonly number[]): number[][] {
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const start of members) {
    if (seen.has(start)) continue;
    const comp: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const a = stack.pop()!;
      comp.push(a);
      for (const b of members) {
        if (!seen.has(b) && lan.canReach(a, b) && lan.canReach(b, a)) {
          seen.add(b);
          stack.push(b);
        }
      }
    }
    out.push(comp.sort((x, y) => x - y));
  }
  return out;
}
