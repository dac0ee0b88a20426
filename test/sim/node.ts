// One simulated router: the production core (src/vrrp/router.ts), unmodified,
// plus what a real host gives it: a monotonic clock with drift, a kernel
// address set its addVips/removeVips actions change, a socket buffer that
// fills while the event loop is stalled, and tracker results.
import type { Millis } from '../../src/base/units.ts';
import type { Family } from '../../src/base/ip.ts';
import type { Advert, PacketEnds } from '../../src/vrrp/advert.ts';
import type { InstanceConfig, VrrpState } from '../../src/vrrp/types.ts';
import { Router, type SyncGroupConfig, type TaggedAction } from '../../src/vrrp/router.ts';
import type { NodeClock } from './clock.ts';
import type { Expected } from './expect.ts';

/** A frame on the wire: the encoded advert plus what the receiver needs to decode it. */
export interface Frame {
  readonly from: number;
  readonly bytes: Uint8Array;
  readonly family: Family;
  readonly ends: PacketEnds;
  readonly sent: Advert; // what the sender's core asked to send (for the round-trip check)
  readonly corrupted: boolean;
  readonly ifname: string; // the interface (and so the segment/VLAN) it was sent on
}

/** A frame waiting in a stalled node's socket buffer, with when it arrived there (global ms). */
export interface Queued {
  readonly frame: Frame;
  readonly arrivedMs: number;
}

/** What a node needs from the world around it. */
export interface NodeEnv {
  nowMs(): number;
  transmit(node: SimNode, cfg: InstanceConfig, advert: Advert): void;
  announce(node: SimNode, cfg: InstanceConfig, count: number): void;
  beforeStep(node: SimNode): void;
  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], localNow: Millis): void;
  reschedule(node: SimNode): void;
  note(node: SimNode, what: string, detail: string): void;
  transitioned(node: SimNode, instance: string, from: VrrpState, to: VrrpState, reason: string): void;
}

export type NodeStatus = 'down' | 'running' | 'stopped';

export class SimNode {
  readonly id: number;
  readonly name: string;
  readonly mac: string;
  readonly configs: readonly InstanceConfig[];
  readonly groups: readonly SyncGroupConfig[];
  readonly clock: NodeClock;
  router: Router | null = null;
  status: NodeStatus = 'down';
  /** The interfaces this router's instances use (all on the one simulated segment, one VLAN each). */
  readonly ifnames: readonly string[];
  /** Carrier per interface: the world's truth, and what the core was last told (they differ while stalled). */
  readonly links = new Map<string, boolean>();
  readonly linksReported = new Map<string, boolean>();
  /** The kernel's address set on eth0 (VIPs only; the primary address is implicit). */
  readonly kernel = new Set<string>();
  /** The world's truth about each tracker, and what the core has been told since it started. */
  readonly trackerTruth = new Map<string, boolean>();
  readonly trackerReported = new Map<string, boolean>();
  /** State per instance as reported by transition actions (notify's view). */
  readonly notified = new Map<string, VrrpState>();
  notifyCount = 0;
  /** Ordering rules broken inside the last step (the checker fails the run on any). */
  readonly violations: string[] = [];
  /** The advert being received in the current 'rx' step (null otherwise). */
  lastRx: Advert | null = null;
  lastRxSrc: string | null = null;
  /** Local time at which the advert of the current 'rx' step reached the socket (earlier than now after a stall). */
  lastRxArrivedLocal: number | null = null;
  /** True while a stall's end reads the frames that queued during it (one batch, before the late timers). */
  readingQueue = false;
  /** Σ of the core's drop counters as of the last step (a new Router starts from 0). */
  dropTotal = 0;
  /** Bumped whenever trackerReported changes, so checkers can cache what they derive from it. */
  trackerEpoch = 0;
  readonly expectedCache = new Map<string, { epoch: number; exp: Expected }>();
  /**
   * Checker bookkeeping, from what the world delivered: owners (priority 255)
   * that heard another router advertise 255 while MASTER since this start,
   * which keepalived answers by dropping to 254 (cleared at start).
   */
  readonly demotedOwners = new Set<string>();
  stalledUntilMs = 0;
  stallToken = 0;
  inbox: Queued[] = [];
  inboxLimit = Infinity;
  wakeAtMs: number | null = null;
  wakeToken = 0;
  lastLocalNow = -Infinity;
  /** Global time of the last advert this node sent, per instance name. */
  readonly lastSentMs = new Map<string, number>();
  /**
   * Builds the core at every start. Always the production Router, except in
   * the checker self-tests, which swap in a deliberately broken one (a
   * subclass, or one built from configs the checker does not see).
   */
  makeRouter: (configs: readonly InstanceConfig[], groups: readonly SyncGroupConfig[]) => Router = (c, g) => new Router(c, g);
  readonly #byName = new Map<string, InstanceConfig>();
  readonly #env: NodeEnv;

  constructor(id: number, name: string, mac: string, configs: readonly InstanceConfig[], groups: readonly SyncGroupConfig[], clock: NodeClock, env: NodeEnv) {
    this.id = id;
    this.name = name;
    this.mac = mac;
    this.configs = configs;
    this.groups = groups;
    this.clock = clock;
    this.#env = env;
    this.ifnames = [...new Set(configs.map((c) => c.ifname))].sort();
    for (const i of this.ifnames) {
      this.links.set(i, true);
      this.linksReported.set(i, true);
    }
    for (const c of configs) {
      this.#byName.set(c.name, c);
      for (const t of c.trackers) this.trackerTruth.set(t.id, true);
    }
  }

  config(name: string): InstanceConfig {
    const c = this.#byName.get(name);
    if (!c) throw new Error(`${this.name}: no instance ${name}`);
    return c;
  }

  configForVrid(vrid: number): InstanceConfig | undefined {
    return this.configs.find((c) => c.vrid === vrid);
  }

  stateOf(name: string): VrrpState | null {
    return this.router?.instance(name)?.state ?? null;
  }

  linkUp(ifname: string): boolean {
    return this.links.get(ifname) ?? false;
  }

  linkReported(ifname: string): boolean {
    return this.linksReported.get(ifname) ?? false;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  /**
   * Stalled until the stall's end has been *processed* (World's stallEnd sets
   * stalledUntilMs to 0), not merely until the clock reads its end: anything
   * else due in that same millisecond (a settle check, a scheduled fault)
   * runs while the event loop is still blocked, before the late timers.
   */
  get stalled(): boolean {
    return this.stalledUntilMs !== 0;
  }

  localNow(): Millis {
    return this.clock.local(this.#env.nowMs());
  }

  /** Runs one input through the core and executes what it returns: one "step". */
  step(cause: string, input: (router: Router, now: Millis) => TaggedAction[]): void {
    const router = this.router;
    if (!router) throw new Error(`${this.name}: step '${cause}' without a router`);
    const now = this.localNow();
    if (now < this.lastLocalNow) throw new Error(`${this.name}: monotonic clock went back ${this.lastLocalNow} → ${now}`);
    this.lastLocalNow = now;
    this.#env.beforeStep(this);
    const actions = input(router, now);
    this.#execute(actions);
    this.#env.afterStep(this, cause, actions, now);
    this.#env.reschedule(this);
  }

  start(): void {
    this.router = this.makeRouter(this.configs, this.groups);
    this.status = 'running';
    this.notified.clear();
    this.demotedOwners.clear();
    this.trackerReported.clear();
    this.trackerEpoch++;
    this.dropTotal = 0;
    this.lastLocalNow = -Infinity;
    for (const c of this.configs) this.notified.set(c.name, 'INIT');
    // The daemon reads carrier state from netlink before it starts the instances.
    for (const i of this.ifnames) this.linksReported.set(i, true);
    this.reportLink();
    this.step('start', (r, now) => r.start(now));
    // The tracker runners report their first results right after start-up.
    for (const [id, up] of this.trackerTruth) this.reportTracker(id, up);
  }

  reportTracker(id: string, up: boolean): void {
    this.trackerTruth.set(id, up);
    if (!this.running || this.stalled) return; // reported when the stall ends
    this.trackerReported.set(id, up);
    this.trackerEpoch++;
    this.step(`tracker ${id} ${up ? 'up' : 'down'}`, (r, now) => r.tracker(id, up, now));
  }

  /** Tells the core every carrier change it has not heard yet, one interface per step. */
  reportLink(): void {
    for (const ifname of this.ifnames) {
      if (!this.running || this.stalled) return;
      const up = this.linkUp(ifname);
      if (this.linkReported(ifname) === up) continue;
      this.linksReported.set(ifname, up);
      this.step(`link ${ifname} ${up ? 'up' : 'down'}`, (r, now) => r.interface(ifname, up, now));
    }
  }

  /** Power loss: the process and the kernel's addresses are gone. */
  crash(): void {
    this.router = null;
    this.status = 'down';
    this.kernel.clear();
    this.inbox = [];
    this.stalledUntilMs = 0;
    this.stallToken++;
    this.wakeToken++;
    this.wakeAtMs = null;
  }

  /**
   * Executes actions in order, as the daemon's execute.ts would, and records
   * what only the order can show: a transition that does not start from the
   * last notified state, an announce for VIPs the kernel doesn't hold, VIPs
   * added without an announce in the same step.
   */
  #execute(actions: readonly TaggedAction[]): void {
    let unannounced: string | null = null;
    for (const { instance, action } of actions) {
      switch (action.type) {
        case 'send': {
          const cfg = this.config(instance);
          this.lastSentMs.set(instance, this.#env.nowMs());
          this.#env.transmit(this, cfg, action.advert);
          break;
        }
        case 'addVips':
          for (const v of this.config(instance).advertAddresses) this.kernel.add(v);
          unannounced = instance;
          break;
        case 'removeVips':
          for (const v of this.config(instance).advertAddresses) this.kernel.delete(v);
          if (unannounced === instance) unannounced = null;
          break;
        case 'announce': {
          const vips = this.config(instance).advertAddresses;
          if (!vips.every((v) => this.kernel.has(v))) this.violations.push(`${instance}: announce (${action.reason}) for VIPs it does not hold`);
          if (unannounced === instance) unannounced = null;
          this.#env.announce(this, this.config(instance), action.count);
          break;
        }
        case 'transition': {
          const last = this.notified.get(instance);
          if (last !== action.from) this.violations.push(`${instance}: transition ${action.from}→${action.to} but the last notified state was ${last}`);
          this.notified.set(instance, action.to);
          this.notifyCount++;
          this.#env.transitioned(this, instance, action.from, action.to, action.reason);
          this.#env.note(this, 'transition', `${instance} ${action.from}→${action.to} (${action.reason}, prio ${action.priority})`);
          break;
        }
        case 'drop':
          this.#env.note(this, 'drop', `${instance || '-'} ${action.reason} from ${action.src}`);
          break;
        case 'log':
          break;
      }
    }
    if (unannounced !== null) this.violations.push(`${unannounced}: VIPs added without an announce in the same step`);
  }
}
