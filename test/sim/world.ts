// The simulated world: one global clock, one event queue, N routers and a host
// on one LAN segment. Everything that happens is an event popped in (time, seq)
// order, so a run is a pure function of its seed and its scenario.
import type { Millis } from '../../src/base/units.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import type { InstanceConfig, VrrpState } from '../../src/vrrp/types.ts';
import type { SyncGroupConfig, TaggedAction } from '../../src/vrrp/router.ts';
import { encodeAdvert, decodeAdvert } from '../../src/vrrp/packet.ts';
import { EventQueue } from './queue.ts';
import { Prng } from './prng.ts';
import { NodeClock } from './clock.ts';
import { Lan, CLEAN_PATH, type PathParams } from './lan.ts';
import { SimHost } from './host.ts';
import { Trace } from './trace.ts';
import { SimNode, type Frame, type NodeEnv } from './node.ts';
import { routerMac, vrrpGroup } from './config.ts';

export interface NodeSpec {
  readonly instances: readonly InstanceConfig[];
  readonly groups?: readonly SyncGroupConfig[];
  readonly clockRate?: number; // default 1
  /** Interfaces whose carrier is down when the world begins (so the router's first start finds them down). */
  readonly linksDown?: readonly string[];
}

export interface WorldOptions {
  readonly seed: number;
  readonly nodes: readonly NodeSpec[];
  readonly path?: PathParams;
  /** Per-router cable delays (ms) added to every path's minimum at its two ends. */
  readonly cablesMs?: readonly number[];
  readonly traceSize?: number;
}

type SimEvent =
  | { readonly kind: 'frame'; readonly to: number; readonly frame: Frame }
  | { readonly kind: 'garp'; readonly from: number; readonly vips: readonly string[]; readonly mac: string }
  | { readonly kind: 'wake'; readonly node: number; readonly token: number }
  | { readonly kind: 'stallEnd'; readonly node: number; readonly token: number }
  | { readonly kind: 'call'; readonly label: string; readonly fn: () => void };

/** What the world reports to its invariant checker. */
export interface WorldObserver {
  beforeStep(node: SimNode): void;
  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], localNow: Millis): void;
  /** Something changed that may legitimately disturb the election (partition, crash, stall, loss…). */
  fault(label: string): void;
  /** Before a crash or graceful stop, while the leaving node's state is still visible. */
  leaving(node: SimNode, kind: 'crash' | 'stop'): void;
}

export interface TransitionRecord {
  readonly atMs: number;
  readonly node: string;
  readonly instance: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: string;
}

/** Transitions kept for scenario assertions; a flapping run stops recording here. */
const TRANSITION_LOG_LIMIT = 10_000;

export class SimFailure extends Error {
  override name = 'SimFailure';
}

export class World implements NodeEnv {
  readonly seed: number;
  readonly prng: Prng;
  readonly lan: Lan;
  readonly host = new SimHost();
  readonly nodes: SimNode[];
  readonly trace: Trace;
  readonly #queue = new EventQueue<SimEvent>();
  #now = 0;
  #observer: WorldObserver | null = null;
  readonly #corruptPrng: Prng;
  readonly transitions: TransitionRecord[] = [];
  readonly faultCounts = new Map<string, number>();
  /** Set when the liveness phase begins: faults still scheduled from the safety phase stand down. */
  liveness = false;
  readonly stats = { events: 0, framesSent: 0, framesDelivered: 0, corrupted: 0, steps: 0 };

  constructor(o: WorldOptions) {
    this.seed = o.seed;
    this.prng = new Prng(o.seed);
    this.lan = new Lan(o.nodes.length, this.prng.fork(), o.path ?? CLEAN_PATH);
    if (o.cablesMs) {
      this.lan.setCables(o.cablesMs);
      this.lan.setAllPaths(o.path ?? CLEAN_PATH);
    }
    this.trace = new Trace(o.traceSize ?? 200);
    this.#corruptPrng = this.prng.fork();
    this.nodes = o.nodes.map((spec, i) => {
      const clock = new NodeClock(spec.clockRate ?? 1, this.prng.int(0, 1e9));
      const n = new SimNode(i, `r${i + 1}`, routerMac(i), spec.instances, spec.groups ?? [], clock, this);
      for (const ifname of spec.linksDown ?? []) if (n.links.has(ifname)) n.links.set(ifname, false);
      return n;
    });
  }

  observe(o: WorldObserver): void {
    this.#observer = o;
  }

  get now(): number {
    return this.#now;
  }

  nowMs(): number {
    return this.#now;
  }

  fail(msg: string): never {
    throw new SimFailure(`${msg}\n  at t=${(this.#now / 1000).toFixed(3)}s, seed ${this.seed}`);
  }

  // ---- scheduling and the loop ----

  /** Runs fn at global time atMs (a scenario step or a fault). */
  at(atMs: number, label: string, fn: () => void): void {
    this.#queue.push(Math.max(atMs, this.#now), { kind: 'call', label, fn });
  }

  runUntil(endMs: number): void {
    for (;;) {
      const next = this.#queue.peekAt();
      if (next === null || next > endMs) break;
      const ev = this.#queue.pop()!;
      this.#now = ev.at;
      this.stats.events++;
      this.#dispatch(ev.item);
    }
    this.#now = Math.max(this.#now, endMs);
  }

  #dispatch(ev: SimEvent): void {
    switch (ev.kind) {
      case 'frame':
        this.#deliver(this.nodes[ev.to]!, ev.frame);
        break;
      case 'garp':
        for (const v of ev.vips) this.host.hearAnnouncement(v, ev.mac, this.#now);
        break;
      case 'wake': {
        const n = this.nodes[ev.node]!;
        if (ev.token !== n.wakeToken || !n.running || n.stalled) return;
        n.wakeAtMs = null;
        n.step('timer', (r, now) => r.timeout(now));
        break;
      }
      case 'stallEnd':
        this.#endStall(this.nodes[ev.node]!, ev.token);
        break;
      case 'call':
        this.trace.add(this.#now, '-', 'scenario', ev.label);
        ev.fn();
        break;
    }
  }

  // ---- NodeEnv: what nodes call ----

  transmit(node: SimNode, cfg: InstanceConfig, advert: Advert): void {
    const ends = cfg.family === 4 ? this.#ends4(cfg.primaryAddress) : { src: cfg.primaryAddress, dst: vrrpGroup(6) };
    const bytes = encodeAdvert(advert, ends);
    this.stats.framesSent++;
    this.trace.add(this.#now, node.name, 'send', cfg.name, advert.priority);
    // Invariant 6: what goes on the wire decodes to exactly what was asked for.
    // Every receiver decodes its copy and compares it with `advert`; a frame
    // nobody receives intact is decoded here instead.
    let intact = false;
    const up = node.linkUp(cfg.ifname);
    if (up && cfg.unicastPeers.length > 0) {
      // unicast_peer: one copy per peer, to that router only, with its own pseudo-header.
      for (const peer of cfg.unicastPeers) {
        const to = this.#addressOwner(cfg.family, peer);
        if (to === null || to === node.id) continue;
        const uends = { src: cfg.primaryAddress, dst: peer };
        const ubytes = encodeAdvert(advert, uends);
        for (const delayMs of this.lan.fates(node.id, to, this.#now)) {
          const corrupted = this.#corruptPrng.chance(this.lan.path(node.id, to).corruptP);
          intact ||= !corrupted;
          const frame: Frame = { from: node.id, bytes: corrupted ? flipBit(ubytes, this.#corruptPrng) : ubytes, family: cfg.family, ends: uends, sent: advert, corrupted, ifname: cfg.ifname };
          this.#queue.push(this.#now + delayMs, { kind: 'frame', to, frame });
        }
      }
    } else if (up) {
      for (let to = 0; to < this.nodes.length; to++) {
        if (to === node.id) continue;
        for (const delayMs of this.lan.fates(node.id, to, this.#now)) {
          const corrupted = this.#corruptPrng.chance(this.lan.path(node.id, to).corruptP);
          intact ||= !corrupted;
          const frame: Frame = { from: node.id, bytes: corrupted ? flipBit(bytes, this.#corruptPrng) : bytes, family: cfg.family, ends, sent: advert, corrupted, ifname: cfg.ifname };
          this.#queue.push(this.#now + delayMs, { kind: 'frame', to, frame });
        }
      }
    }
    if (!intact) {
      const back = decodeAdvert(bytes, cfg.family, ends);
      if (!back.ok || !advertEquals(back.advert, advert)) {
        this.fail(`codec round trip: ${node.name} sent ${JSON.stringify(advert)}, decoded ${JSON.stringify(back)}`);
      }
    }
  }

  #addressOwner(family: 4 | 6, addr: string): number | null {
    const n = this.nodes.find((x) => x.configs.some((c) => c.family === family && c.primaryAddress === addr));
    return n ? n.id : null;
  }

  readonly #endsCache = new Map<string, { src: string; dst: string }>();

  #ends4(src: string): { src: string; dst: string } {
    let e = this.#endsCache.get(src);
    if (!e) this.#endsCache.set(src, (e = { src, dst: vrrpGroup(4) }));
    return e;
  }

  announce(node: SimNode, cfg: InstanceConfig, count: number): void {
    const vips = cfg.advertAddresses;
    this.trace.add(this.#now, node.name, 'announce', `${vips.join(',')} x${count}`);
    if (count <= 0 || !node.linkUp(cfg.ifname)) return;
    // Each repeat is an independent frame: it arrives if any copy does.
    let delayMs = Infinity;
    for (let k = 0; k < count; k++) for (const d of this.lan.fates(node.id, this.lan.hostId, this.#now)) delayMs = Math.min(delayMs, d);
    if (delayMs === Infinity) return;
    this.#queue.push(this.#now + delayMs, { kind: 'garp', from: node.id, vips, mac: node.mac });
  }

  beforeStep(node: SimNode): void {
    this.stats.steps++;
    this.#observer?.beforeStep(node);
  }

  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], localNow: Millis): void {
    this.#observer?.afterStep(node, cause, actions, localNow);
  }

  reschedule(node: SimNode): void {
    if (!node.running || node.stalled) return;
    const d = node.router!.nextDeadline();
    const g = d === null ? null : Math.max(this.#now, node.clock.globalAt(d));
    if (g === node.wakeAtMs) return;
    node.wakeAtMs = g;
    node.wakeToken++;
    if (g !== null) this.#queue.push(g, { kind: 'wake', node: node.id, token: node.wakeToken });
  }

  transitioned(node: SimNode, instance: string, from: VrrpState, to: VrrpState, reason: string): void {
    if (this.transitions.length < TRANSITION_LOG_LIMIT) this.transitions.push({ atMs: this.#now, node: node.name, instance, from, to, reason });
  }

  note(node: SimNode, what: string, detail: string): void {
    this.trace.add(this.#now, node.name, what, detail);
  }

  // ---- receive path ----

  #deliver(node: SimNode, frame: Frame): void {
    this.stats.framesDelivered++;
    // Each interface is its own VLAN on the one segment: only routers with that interface, carrier up, hear it.
    if (!node.running || !node.linkUp(frame.ifname)) return;
    if (node.stalled) {
      if (node.inbox.length < node.inboxLimit) node.inbox.push({ frame, arrivedMs: this.#now });
      return;
    }
    this.#receive(node, frame, this.#now);
  }

  #receive(node: SimNode, frame: Frame, arrivedMs: number): void {
    const res = decodeAdvert(frame.bytes, frame.family, frame.ends);
    if (frame.corrupted) {
      if (res.ok) this.fail(`codec accepted a corrupted frame from r${frame.from + 1}: ${JSON.stringify(res.advert)}`);
      this.stats.corrupted++;
      this.trace.add(this.#now, node.name, 'rx-reject', res.reason);
      return;
    }
    if (!res.ok || !advertEquals(res.advert, frame.sent)) {
      this.fail(`codec: ${node.name} decoded ${JSON.stringify(res)} from r${frame.from + 1}, sent ${JSON.stringify(frame.sent)}`);
    }
    const advert = res.advert;
    node.lastRx = advert;
    node.lastRxSrc = frame.ends.src;
    node.lastRxArrivedLocal = node.clock.local(arrivedMs);
    node.step('rx', (r, now) => r.receive(frame.ifname, frame.family, advert, frame.ends.src, now));
    node.lastRx = null;
    node.lastRxSrc = null;
    node.lastRxArrivedLocal = null;
  }

  // ---- faults (scenario steps call these) ----

  /** The event loop of `node` is blocked for durationMs; inboxLimit models the socket buffer. */
  stall(i: number, durationMs: number, inboxLimit = Infinity): void {
    const n = this.nodes[i]!;
    if (!n.running || n.stalled) return;
    this.#fault(`stall ${n.name} ${durationMs}ms`);
    n.stalledUntilMs = this.#now + durationMs;
    n.inboxLimit = inboxLimit;
    n.stallToken++;
    n.wakeToken++;
    n.wakeAtMs = null;
    this.#queue.push(n.stalledUntilMs, { kind: 'stallEnd', node: i, token: n.stallToken });
  }

  #endStall(n: SimNode, token: number): void {
    if (token !== n.stallToken || !n.running) return;
    n.stalledUntilMs = 0;
    this.#fault(`stall end ${n.name}`);
    // The driver keepalived has, and vipkeeper's daemon has: when the event
    // loop wakes late, it reads what queued on the socket before it acts on
    // an expired timer (keepalived's scheduler handles a readable fd before a
    // timeout). So the queued adverts go to the core first, one step each
    // (those behind stay in n.inbox, where the checker sees them), as one
    // batch with the core's timers held (the daemon's Router.readBatch around
    // its drain: a lower advert leading the queue must not fire the expired
    // takeover), then the late timers, then what the poll phase brings
    // (tracker results, netlink).
    const router = n.router!;
    n.readingQueue = true;
    try {
      router.readBatch(() => {
        while (n.inbox.length > 0 && n.running && !n.stalled) {
          const q = n.inbox.shift()!;
          this.#receive(n, q.frame, q.arrivedMs);
        }
      });
    } finally {
      n.readingQueue = false;
    }
    n.inbox = [];
    if (!n.running || n.stalled) return;
    n.step('late timers', (r, now) => r.timeout(now));
    for (const [id, up] of n.trackerTruth) if (n.trackerReported.get(id) !== up) n.reportTracker(id, up);
    n.reportLink();
  }

  crash(i: number): void {
    const n = this.nodes[i]!;
    if (n.status === 'down') return;
    this.#observer?.leaving(n, 'crash');
    this.#fault(`crash ${n.name}`);
    n.crash();
  }

  start(i: number): void {
    const n = this.nodes[i]!;
    if (n.running) return;
    this.#fault(`start ${n.name}`);
    n.crash(); // a stopped node's process restarts from nothing too
    n.start();
  }

  /** Graceful stop (SIGTERM): the core sends priority 0 and releases its VIPs. */
  stop(i: number): void {
    const n = this.nodes[i]!;
    if (!n.running) return;
    if (!n.stalled) this.#observer?.leaving(n, 'stop');
    this.#fault(`stop ${n.name}`);
    if (n.stalled) {
      n.crash();
      return;
    }
    n.step('shutdown', (r, now) => r.shutdown(now));
    n.status = 'stopped';
    n.wakeToken++;
    n.wakeAtMs = null;
  }

  setTracker(i: number, id: string, up: boolean): void {
    const n = this.nodes[i]!;
    if (n.trackerTruth.get(id) === up) return;
    this.#fault(`tracker ${n.name} ${id} ${up ? 'up' : 'down'}`);
    n.reportTracker(id, up);
  }

  /** Carrier of one interface of router i (default: its first). */
  setLink(i: number, up: boolean, ifname = this.nodes[i]!.ifnames[0]!): void {
    const n = this.nodes[i]!;
    if (!n.links.has(ifname) || n.linkUp(ifname) === up) return;
    this.#fault(`link ${n.name} ${ifname} ${up ? 'up' : 'down'}`);
    n.links.set(ifname, up);
    n.reportLink();
  }

  partition(groups: readonly (readonly number[])[], symmetric = true): void {
    this.#fault(`partition ${groups.map((g) => g.map((e) => (e === this.lan.hostId ? 'host' : `r${e + 1}`)).join('+')).join(' | ')}${symmetric ? '' : ' (one-way)'}`);
    this.lan.partition(groups, symmetric);
  }

  /** Cuts one direction of one path (e.g. a switch ACL that drops VRRP from one router to another). */
  block(from: number, to: number): void {
    this.#fault(`block r${from + 1} → ${to === this.lan.hostId ? 'host' : `r${to + 1}`}`);
    this.lan.block(from, to);
  }

  clog(i: number): void {
    this.#fault(`clog r${i + 1}`);
    this.lan.clog(i);
  }

  unclog(i: number): void {
    this.#fault(`unclog r${i + 1}`);
    this.lan.unclog(i);
  }

  heal(): void {
    this.#fault('heal');
    this.lan.heal();
  }

  setPaths(p: PathParams): void {
    this.#fault(`paths loss ${p.lossP} corrupt ${p.corruptP} delay ${p.delayMinMs}+${p.delayMeanMs}`);
    this.lan.setAllPaths(p);
  }

  /** An NTP step on one node's wall clock: must change nothing (the core only sees monotonic time). */
  jumpWallClock(i: number, deltaMs: number): void {
    this.trace.add(this.#now, this.nodes[i]!.name, 'wall-jump', `${deltaMs}ms`);
    this.nodes[i]!.clock.jumpWall(deltaMs);
  }

  #fault(label: string): void {
    const kind = label.split(' ')[0]!;
    this.faultCounts.set(kind, (this.faultCounts.get(kind) ?? 0) + 1);
    this.trace.add(this.#now, '-', 'fault', label);
    this.#observer?.fault(label);
  }

  // ---- queries ----

  statesFor(vrid: number): Array<{ node: SimNode; cfg: InstanceConfig; state: VrrpState | null }> {
    const out: Array<{ node: SimNode; cfg: InstanceConfig; state: VrrpState | null }> = [];
    for (const node of this.nodes) {
      const cfg = node.configForVrid(vrid);
      if (cfg) out.push({ node, cfg, state: node.running ? node.stateOf(cfg.name) : null });
    }
    return out;
  }

  /** When the last running stall ends (global ms), or now. */
  stallsOverAtMs(): number {
    return Math.max(this.#now, ...this.nodes.map((n) => (n.running ? n.stalledUntilMs : 0)));
  }

  mastersOf(vrid: number): SimNode[] {
    return this.statesFor(vrid).filter((s) => s.state === 'MASTER').map((s) => s.node);
  }

  vrids(): number[] {
    return [...new Set(this.nodes.flatMap((n) => n.configs.map((c) => c.vrid)))].sort((a, b) => a - b);
  }
}

function flipBit(bytes: Uint8Array, prng: Prng): Uint8Array {
  const copy = bytes.slice();
  const bit = prng.int(0, copy.length * 8 - 1);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** Field-by-field equality of two adverts (the codec round-trip check runs on every frame). */
export function advertEquals(a: Advert, b: Advert): boolean {
  if (a.version !== b.version || a.family !== b.family || a.vrid !== b.vrid || a.priority !== b.priority) return false;
  if (a.advertIntervalCs !== b.advertIntervalCs || a.authType !== b.authType || a.authData !== b.authData) return false;
  if (a.addresses.length !== b.addresses.length) return false;
  for (let i = 0; i < a.addresses.length; i++) if (a.addresses[i] !== b.addresses[i]) return false;
  return true;
}
