// The invariants (STYLE.md, "A simulator for many routers"), checked after
// every step of every node and at settle points after faults. A violation
// throws SimFailure through World.fail, which stops the run with the trace.
import type { Millis } from '../../src/base/units.ts';
import type { InstanceConfig, VrrpState } from '../../src/vrrp/types.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import type { World, WorldObserver } from './world.ts';
import type { SimNode } from './node.ts';
import { components } from './lan.ts';
import { expectedPriority, globalSpan, isLegitMaster, masterDownMs, skewMs } from './expect.ts';
import { checkStep } from './step-checks.ts';

/** Rounding slack for ms/cs conversions in the timing bounds. */
const SLACK_MS = 12;

interface Takeover {
  readonly vrid: number;
  readonly kind: 'crash' | 'stop';
  readonly leftMs: number; // crash: the old master's last advert; stop: the priority-0 advert
  readonly candidates: ReadonlySet<number>;
}

export class Checker implements WorldObserver {
  readonly #world: World;
  #faultSeq = 0;
  #converged = false;
  #prevNotified = new Map<string, VrrpState>();
  #dropsBefore = 0;
  #pending: Takeover[] = [];
  #takeovers: Takeover[] = [];
  #arpSound = true;
  readonly counts = { settles: 0, settleSkipped: 0, arpChecks: 0, takeoverChecks: 0, steps: 0 };

  constructor(world: World) {
    this.#world = world;
    world.observe(this);
  }

  get converged(): boolean {
    return this.#converged;
  }

  // ---- per step ----

  beforeStep(node: SimNode): void {
    this.#prevNotified = new Map(node.notified);
    this.#dropsBefore = 0;
    if (node.router) for (const i of node.router.instances()) this.#dropsBefore += sumDrops(i.stats.drops);
  }

  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], localNow: Millis): void {
    this.counts.steps++;
    const fail = (msg: string): never => this.#world.fail(`${node.name} after '${cause}': ${msg}`);
    checkStep(node, cause, actions, localNow, this.#prevNotified, this.#dropsBefore, fail);
    for (const { instance, action } of actions) {
      if (action.type !== 'transition') continue;
      if (this.#converged) fail(`flap: ${instance} ${action.from}→${action.to} (${action.reason}) after convergence with no fault since`);
      if (action.to === 'MASTER') this.#checkTakeover(node, node.config(instance), action.reason, fail);
    }
  }

  // ---- faults and settle points ----

  /** Called before a crash or graceful stop, while the leaving node's state is still visible. */
  leaving(node: SimNode, kind: 'crash' | 'stop'): void {
    if (!this.#converged || !node.running || node.stalled) return;
    const peers = components(this.#world.lan, this.#runningIds()).find((c) => c.includes(node.id)) ?? [];
    for (const cfg of node.configs) {
      if (node.stateOf(cfg.name) !== 'MASTER') continue;
      const leftMs = kind === 'stop' ? this.#world.now : node.lastSentMs.get(cfg.name);
      if (leftMs === undefined) continue;
      this.#pending.push({ vrid: cfg.vrid, kind, leftMs, candidates: new Set(peers.filter((p) => p !== node.id)) });
    }
  }

  fault(_label: string): void {
    this.#faultSeq++;
    this.#converged = false;
    this.#takeovers = this.#pending;
    this.#pending = [];
    const seq = this.#faultSeq;
    this.#world.at(this.#world.now + this.settleBoundMs(), 'settle check', () => this.#settle(seq));
  }

  announceLost(): void {
    this.#arpSound = false;
  }

  /**
   * B: how long after the last fault the election must have settled. The
   * slowest path is a backup that waits a full Master_Down_Interval (lowest
   * priority, longest interval), then preempt_delay, then one more advert
   * interval and two one-way delays for the loser to hear it and step down.
   */
  settleBoundMs(): number {
    let worst = 0;
    for (const n of this.#world.nodes) {
      for (const c of n.configs) {
        worst = Math.max(worst, masterDownMs(c, 1) + c.advertIntervalMs + c.preemptDelayMs);
      }
    }
    return Math.ceil(globalSpan(worst).max + 2 * this.#world.lan.maxDelayMs() + 2 * SLACK_MS);
  }

  #runningIds(): number[] {
    return this.#world.nodes.filter((n) => n.running && !n.stalled).map((n) => n.id);
  }

  #settle(seq: number): void {
    const w = this.#world;
    if (seq !== this.#faultSeq) return;
    const ids = this.#runningIds();
    const symmetric = ids.every((a) => ids.every((b) => w.lan.canReach(a, b) === w.lan.canReach(b, a)));
    const lossy = w.lan.lossy();
    if (!symmetric || lossy || w.nodes.some((n) => n.stalled)) {
      this.counts.settleSkipped++;
      return;
    }
    const comps = components(w.lan, ids);
    for (const vrid of w.vrids()) for (const comp of comps) this.#checkComponent(vrid, comp);
    this.counts.settles++;
    this.#converged = true;
    this.#takeovers = [];
    const refreshMs = Math.max(0, ...w.nodes.flatMap((n) => n.configs.map((c) => c.garp.masterRefreshMs ?? Infinity)));
    if (Number.isFinite(refreshMs)) {
      w.at(w.now + refreshMs + w.lan.maxDelayMs() + SLACK_MS, 'arp refresh check', () => {
        if (seq === this.#faultSeq && this.#converged) this.#checkArp(true);
      });
    }
    this.#checkArp(false);
  }

  #checkComponent(vrid: number, comp: readonly number[]): void {
    const w = this.#world;
    const eligible: Array<{ id: number; cfg: InstanceConfig; priority: number }> = [];
    const masters: number[] = [];
    for (const id of comp) {
      const node = w.nodes[id]!;
      const cfg = node.configForVrid(vrid);
      if (!cfg) continue;
      const exp = expectedPriority(cfg, node.trackerReported);
      const ownFault = exp.fault || !node.linkUp;
      const state = node.stateOf(cfg.name);
      if (state === 'MASTER') masters.push(id);
      if (!ownFault && !this.#groupFaulted(node, cfg)) eligible.push({ id, cfg, priority: exp.priority });
      else if (state !== 'FAULT') w.fail(`${node.name} ${cfg.name} should be FAULT at settle, is ${state}`);
    }
    const names = (xs: readonly number[]) => xs.map((x) => w.nodes[x]!.name).join(',') || 'none';
    const summary = () => eligible.map((e) => `${w.nodes[e.id]!.name}:${e.priority}${e.cfg.preempt ? '' : '(nopreempt)'}=${w.nodes[e.id]!.stateOf(e.cfg.name)}`).join(' ');
    if (eligible.length === 0 && masters.length === 0) return;
    if (masters.length !== 1) w.fail(`VRID ${vrid}: ${masters.length} masters (${names(masters)}) in {${names(comp)}} ${this.settleBoundMs()}ms after the last fault [${summary()}]`);
    if (!isLegitMaster(masters[0]!, eligible)) w.fail(`VRID ${vrid}: ${names(masters)} is master but a higher-priority preempting router is eligible [${summary()}]`);
    for (const e of eligible) {
      const st = w.nodes[e.id]!.stateOf(e.cfg.name);
      if (e.id !== masters[0] && st !== 'BACKUP') w.fail(`VRID ${vrid}: ${w.nodes[e.id]!.name} is ${st}, expected BACKUP [${summary()}]`);
    }
  }

  /** A sync group member is faulted by a member's own fault (trackers or link). */
  #groupFaulted(node: SimNode, cfg: InstanceConfig): boolean {
    const g = node.groups.find((x) => x.members.includes(cfg.name));
    if (!g) return false;
    return g.members.some((m) => expectedPriority(node.config(m), node.trackerReported).fault);
  }

  /** Invariant 10's second half: the host's ARP entry for every VIP names the master. */
  #checkArp(afterRefresh: boolean): void {
    const w = this.#world;
    const hpsaEverywhere = w.nodes.every((n) => n.configs.every((c) => c.higherPrioSendAdvert));
    if (!afterRefresh && !(this.#arpSound && hpsaEverywhere)) return;
    for (const vrid of w.vrids()) {
      const masters = w.mastersOf(vrid);
      if (masters.length !== 1) continue;
      const m = masters[0]!;
      if (!w.lan.canReach(m.id, w.lan.hostId)) continue;
      const cfg = m.configForVrid(vrid)!;
      if (afterRefresh && cfg.garp.masterRefreshMs === null) continue;
      this.counts.arpChecks++;
      for (const vip of cfg.advertAddresses) {
        const mac = w.host.macFor(vip);
        if (mac !== m.mac) w.fail(`host ARP: ${vip} → ${mac ?? 'nothing'}, but the master is ${m.name} (${m.mac})${afterRefresh ? ' (after a garp refresh period)' : ''}`);
      }
    }
  }

  /** After a converged master crashed or stopped: the first takeover is neither early nor late. */
  #checkTakeover(node: SimNode, cfg: InstanceConfig, reason: string, fail: (m: string) => never): void {
    const t = this.#takeovers.find((x) => x.vrid === cfg.vrid);
    if (!t) return;
    this.#takeovers = this.#takeovers.filter((x) => x !== t);
    if (!t.candidates.has(node.id)) return;
    this.counts.takeoverChecks++;
    const prio = expectedPriority(cfg, node.trackerReported).priority;
    const waitLocalMs = t.kind === 'crash' ? masterDownMs(cfg, prio) : skewMs(cfg, prio);
    const span = globalSpan(waitLocalMs);
    const lan = this.#world.lan;
    const earliest = t.leftMs + lan.minDelayMs() + span.min - SLACK_MS;
    const latest = t.leftMs + lan.maxDelayMs() + span.max + SLACK_MS;
    const now = this.#world.now;
    const what = t.kind === 'crash' ? 'Master_Down_Interval' : 'Skew_Time';
    if (now < earliest) fail(`${cfg.name} took over ${now - t.leftMs}ms after the master ${t.kind === 'crash' ? 'last advertised' : 'stopped'}: sooner than ${what} ${waitLocalMs.toFixed(1)}ms allows (${reason})`);
    if (now > latest) fail(`${cfg.name} took over ${now - t.leftMs}ms after the master ${t.kind === 'crash' ? 'last advertised' : 'stopped'}: later than ${what} ${waitLocalMs.toFixed(1)}ms + one delay (${reason})`);
  }
}

function sumDrops(d: Partial<Record<string, number>>): number {
  let s = 0;
  for (const k in d) s += d[k] ?? 0;
  return s;
}
