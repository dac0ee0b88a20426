// An in-memory harness of 2–3 real core instances on one lossless LAN, with
// a virtual clock that steps to the next deadline (quinn's `Pair`, h11's
// ConnectionPair). Adverts are passed as values (the simulator in test/sim
// runs the codec too); VIPs are tracked per node and checked against state.
import type { Millis } from '../../src/base/units.ts';
import { millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import type { Action, GarpConfig, InstanceConfig, TransitionReason, VrrpState } from '../../src/vrrp/types.ts';
import type { Advert } from '../../src/vrrp/advert.ts';

/** keepalived's garp_* defaults (shared with the simulator's config builder). */
export const DEFAULT_GARP: GarpConfig = {
  masterDelayMs: millis(5000),
  masterRepeat: 5,
  masterRefreshMs: null,
  masterRefreshRepeat: 1,
  lowerPrioDelayMs: null,
  lowerPrioRepeat: null,
};

/** A complete InstanceConfig with keepalived's defaults; override what the test is about. */
export function makeConfig(over: Partial<InstanceConfig> & { name: string; primaryAddress: string }): InstanceConfig {
  return {
    vrid: 51,
    family: 4,
    version: 2,
    ifname: 'eth0',
    priority: 100,
    advertIntervalMs: millis(1000),
    initialState: 'BACKUP',
    preempt: true,
    preemptDelayMs: millis(0),
    acceptMode: false,
    advertAddresses: ['10.0.0.100'],
    auth: { type: 'none' },
    garp: DEFAULT_GARP,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    downTimerAdverts: 3,
    skipCheckAdvAddr: false,
    checkUnicastSrc: false,
    unicastPeers: [],
    trackers: [],
    dontTrackPrimary: false,
    initFail: false,
    syncGroup: null,
    ...over,
  };
}

export interface TraceEntry {
  readonly at: Millis;
  readonly node: string;
  readonly action: Action;
}

export interface Hop {
  readonly at: Millis;
  readonly seq: number;
  readonly to: string;
  readonly advert: Advert;
  readonly src: string;
}

export class LanNode {
  readonly instance: Instance;
  up = false; // false before start and after crash: hears nothing, fires nothing
  vips = false;
  constructor(config: InstanceConfig) {
    this.instance = new Instance(config);
  }
  get name(): string {
    return this.instance.config.name;
  }
}

export class Pair {
  now: Millis = millis(0);
  readonly nodes = new Map<string, LanNode>();
  readonly trace: TraceEntry[] = [];
  readonly delayMs: Millis;
  #queue: Hop[] = [];
  #seq = 0;

  constructor(configs: readonly InstanceConfig[], opts: { delayMs?: number } = {}) {
    for (const c of configs) this.nodes.set(c.name, new LanNode(c));
    this.delayMs = millis(opts.delayMs ?? 1);
  }

  node(name: string): LanNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }
  inst(name: string): Instance {
    return this.node(name).instance;
  }
  state(name: string): VrrpState {
    return this.inst(name).state;
  }
  states(): Record<string, VrrpState> {
    return Object.fromEntries([...this.nodes].map(([n, x]) => [n, x.instance.state]));
  }
  masters(): string[] {
    return [...this.nodes.values()].filter((n) => n.up && n.instance.state === 'MASTER').map((n) => n.name);
  }
  transitions(): Array<{ at: Millis; node: string; from: VrrpState; to: VrrpState; reason: TransitionReason }> {
    const out = [];
    for (const t of this.trace) if (t.action.type === 'transition') out.push({ at: t.at, node: t.node, from: t.action.from, to: t.action.to, reason: t.action.reason });
    return out;
  }
  actions(node: string, type: Action['type']): TraceEntry[] {
    return this.trace.filter((t) => t.node === node && t.action.type === type);
  }

  start(...names: string[]): void {
    for (const name of names.length ? names : [...this.nodes.keys()]) {
      const n = this.node(name);
      n.up = true;
      this.#apply(n, n.instance.handle({ type: 'start' }, this.now));
    }
  }
  tracker(name: string, id: string, up: boolean): void {
    this.#apply(this.node(name), this.inst(name).handle({ type: 'tracker', id, up }, this.now));
  }
  link(name: string, up: boolean): void {
    this.#apply(this.node(name), this.inst(name).handle({ type: 'interface', up }, this.now));
  }
  shutdown(name: string): void {
    this.#apply(this.node(name), this.inst(name).handle({ type: 'shutdown' }, this.now));
  }
  /** Hands `advert` to `name` now, as if it had just arrived from `src`. */
  deliver(name: string, advert: Advert, src: string): void {
    this.#apply(this.node(name), this.inst(name).handle({ type: 'advert', advert, src }, this.now));
  }
  /** Power loss: no priority 0, the node just goes silent (its VIPs vanish with it). */
  crash(name: string): void {
    const n = this.node(name);
    n.up = false;
    n.vips = false;
  }

  /** Advances to the next packet or deadline at or before `until`; false if none. */
  step(until: Millis): boolean {
    const next = this.#nextEventAt();
    if (next === null || next > until) return false;
    // A node brought back with overdue timers fires them late, as after a stall; time never goes back.
    this.now = millis(Math.max(this.now, next));
    const now = this.now;
    const hops = this.#queue.filter((h) => h.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.#queue = this.#queue.filter((h) => h.at > now);
    for (const h of hops) {
      const n = this.node(h.to);
      if (n.up) this.#apply(n, n.instance.handle({ type: 'advert', advert: h.advert, src: h.src }, this.now));
    }
    for (const n of this.nodes.values()) {
      const d = n.instance.nextDeadline();
      if (n.up && d !== null && d <= this.now) this.#apply(n, n.instance.handle({ type: 'timeout' }, this.now));
    }
    return true;
  }
  runUntil(t: number): void {
    let guard = 0;
    while (this.step(millis(t))) if (++guard > 1_000_000) throw new Error('runUntil: no progress');
    this.now = millis(Math.max(this.now, t));
  }
  runFor(ms: number): void {
    this.runUntil(this.now + ms);
  }
  /** First time `node` entered `state` at or after `since`, or null. */
  enteredAt(node: string, state: VrrpState, since = 0): Millis | null {
    return this.transitions().find((t) => t.node === node && t.to === state && t.at >= since)?.at ?? null;
  }

  #nextEventAt(): Millis | null {
    let min = Number.POSITIVE_INFINITY;
    for (const h of this.#queue) if (h.at < min) min = h.at;
    for (const n of this.nodes.values()) {
      const d = n.instance.nextDeadline();
      if (n.up && d !== null && d < min) min = d;
    }
    return Number.isFinite(min) ? millis(min) : null;
  }

  #apply(n: LanNode, actions: Action[]): void {
    for (const action of actions) {
      this.trace.push({ at: this.now, node: n.name, action });
      if (action.type === 'addVips') n.vips = true;
      if (action.type === 'removeVips') n.vips = false;
      if (action.type === 'send') this.#broadcast(n, action.advert);
    }
    if (n.up && n.vips !== (n.instance.state === 'MASTER')) {
      throw new Error(`${n.name}: VIPs ${n.vips ? 'held' : 'missing'} in ${n.instance.state} at ${this.now}`);
    }
  }

  #broadcast(from: LanNode, advert: Advert): void {
    for (const to of this.nodes.values()) {
      if (to === from) continue;
      this.#queue.push({ at: millis(this.now + this.delayMs), seq: this.#seq++, to: to.name, advert, src: from.instance.config.primaryAddress });
    }
  }
}

/** The advert `config` would send with `priority` (tests feed it to another instance). */
export function advertOf(config: InstanceConfig, priority: number, over: Partial<Advert> = {}): Advert {
  return {
    version: config.version,
    family: config.family,
    vrid: config.vrid,
    priority,
    advertIntervalCs: (config.advertIntervalMs / 10) as Advert['advertIntervalCs'],
    addresses: [...config.advertAddresses],
    authType: config.auth.type === 'none' || config.version === 3 ? 0 : config.auth.type === 'pass' ? 1 : 2,
    authData: config.auth.type === 'pass' && config.version === 2 ? config.auth.password.slice(0, 8) : '',
    ...over,
  };
}

/** Actions of one type, narrowed. */
export function ofType<T extends Action['type']>(actions: readonly Action[], type: T): Array<Extract<Action, { type: T }>> {
  return actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
}
