// The invariants (STYLE.md, "A simulator for many routers"), checked after
// every step of every node and at settle points after faults. A violation
// throws SimFailure through World.fail, which stops the run with the trace.
import type { Millis } from '../../src/base/units.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import type { World, WorldObserver } from './world.ts';
import type { SimNode } from './node.ts';
import { components } from './lan.ts';
import { expectedPriority, globalSpan, isLegitMaster, masterDownMs, wouldProcess } from './expect.ts';
import { firstDeadline, takeoverWindow, waitsOf, type Takeover } from './takeover-window.ts';
import { checkStep, expectedOf } from './step-checks.ts';
import { EarlyTakeoverCheck, instanceCfgFor } from './early-check.ts';
import { MasterRxCheck } from './rx-check.ts';

/** Margin on the settle bound B and the ARP check's wait (not a timing check: they only need to come late enough). */
const SETTLE_SLACK_MS = 24;

export class Checker implements WorldObserver {
  readonly #world: World;
  #faultSeq = 0;
  #converged = false;
  #lastFaultMs = 0;
  #settleDueMs = 0;
  #convergedAtMs: number | null = null;
  /** VRIDs whose (v3) routers disagree on advert_int; see #scheduleSettle. */
  readonly #mixedVrids: ReadonlySet<number>;
  #pending: Takeover[] = [];
  #takeovers: Takeover[] = [];
  readonly early = new EarlyTakeoverCheck((n, c) => expectedOf(n, c).priority);
  readonly masterRx = new MasterRxCheck();
  readonly counts = { settles: 0, settleSkipped: 0, arpChecks: 0, takeoverChecks: 0, rivalChecks: 0, steps: 0 };

  constructor(world: World) {
    this.#world = world;
    this.#mixedVrids = mixedIntervalVrids(world);
    world.observe(this);
  }

  get converged(): boolean {
    return this.#converged;
  }

  /** When the settle check that counts is due (global ms): B after the last fault or unsettling transition. */
  get settleDueMs(): number {
    return this.#settleDueMs;
  }

  /** When the checker last declared convergence, or null if it has not yet. */
  get convergedAtMs(): number | null {
    return this.#convergedAtMs;
  }

  /** Global time of the last fault (settle points count B from it, or from a later transition). */
  get lastFaultMs(): number {
    return this.#lastFaultMs;
  }

  // ---- per step ----

  beforeStep(node: SimNode): void {
    if (node.violations.length > 0) node.violations.length = 0;
  }

  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], localNow: Millis): void {
    this.counts.steps++;
    const fail = this.#failFor(node, cause);
    if (cause === 'rx') this.#ownerConflict(node, actions);
    this.early.afterStep(node, cause, actions, localNow, fail);
    checkStep(node, cause, actions, localNow, fail, (n, name) => this.early.maxIntervalMs(n, name));
    if (cause === 'rx') this.masterRx.afterRx(node, actions, fail);
    if (cause === 'start') this.#checkOwners(node, fail);
    let unsettling = false;
    for (const { instance, action } of actions) {
      if (action.type !== 'transition') continue;
      if (this.#converged) fail(`flap: ${instance} ${action.from}→${action.to} (${action.reason}) after convergence with no fault since`);
      if (action.to === 'MASTER') this.#checkTakeover(node, node.config(instance), action.reason, fail);
      unsettling ||= this.#mixedVrids.has(node.config(instance).vrid);
    }
    if (unsettling) this.#scheduleSettle();
  }

  /**
   * keepalived's one exception to "an owner is always 255": a MASTER owner
   * that hears another router advertise 255 logs a CONFIGURATION ERROR and
   * drops to 254 (vrrp_state_master_rx). Recorded from the advert the world
   * delivered and the state the instance was in before this step.
   */
  #ownerConflict(node: SimNode, actions: readonly TaggedAction[]): void {
    const rx = node.lastRx;
    if (rx === null || rx.priority !== 255 || node.lastRxSrc === null) return;
    const cfg = instanceCfgFor(node, rx);
    if (!cfg || cfg.priority !== 255 || node.demotedOwners.has(cfg.name) || !wouldProcess(cfg, rx, node.lastRxSrc)) return;
    const first = actions.find((a) => a.instance === cfg.name && a.action.type === 'transition');
    const before = first && first.action.type === 'transition' ? first.action.from : node.stateOf(cfg.name);
    if (before !== 'MASTER') return;
    node.demotedOwners.add(cfg.name);
    node.trackerEpoch++;
  }

  /** Invariant 3: an address owner with `state MASTER` is MASTER straight from its start step. */
  #checkOwners(node: SimNode, fail: (m: string) => never): void {
    for (const cfg of node.configs) {
      if (cfg.priority !== 255 || cfg.initialState !== 'MASTER' || !node.linkReported(cfg.ifname)) continue;
      // Faulted itself, or by a sync group member's fault (keepalived: the whole group is FAULT).
      if (expectedPriority(cfg, node.trackerReported).fault || this.#groupFaulted(node, cfg)) continue;
      const st = node.stateOf(cfg.name);
      if (st !== 'MASTER') fail(`${cfg.name}: address owner is ${st} after start, not MASTER at once`);
    }
  }

  #failFor(node: SimNode, cause: string): (msg: string) => never {
    return (msg: string): never => this.#world.fail(`${node.name} after '${cause}': ${msg}`);
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
      // A stop with reordering on: an ordinary advert sent just before the priority 0
      // (or by the stop step's own due timer) may arrive after it and restart Master_Down.
      const lastRegular = this.#world.lan.reorders() ? this.#world.now : undefined;
      this.#pending.push({
        lastRegularMs: kind === 'stop' ? lastRegular : undefined, vrid: cfg.vrid, from: node.id, kind, leftMs, masterIntervalMs: cfg.advertIntervalMs, candidates: new Set(peers.filter((p) => p !== node.id)) });
    }
  }

  fault(_label: string): void {
    this.#lastFaultMs = this.#world.now;
    this.#converged = false;
    this.#takeovers = this.#pending;
    this.#pending = [];
    this.#scheduleSettle();
  }

  /**
   * The settle point is B after the last event that can legitimately change
   * the election: a fault, or (before convergence) a transition in a VRID
   * whose routers disagree on advert_int. There a backup learns the interval
   * of whichever advert it accepted last (RFC 9568 §6.4.2): a stepping-down
   * master's last advert (higher_prio_send_advert) or a short-lived lower
   * master (accepted by nopreempt backups) that reaches it after the real
   * master's advert leaves it timing a slower master by a faster one, and it
   * takes over; its own adverts can do the same to the next backup. Each such
   * transition restarts the clock; once nothing has moved for B, every
   * backup's last accepted advert is the master's and nothing can move until
   * the next fault. With one interval per VRID, B after the fault is enough.
   */
  #scheduleSettle(): void {
    const seq = ++this.#faultSeq;
    this.#settleDueMs = this.#world.now + this.settleBoundMs();
    this.#world.at(this.#settleDueMs, 'settle check', () => this.#settle(seq));
  }

  /**
   * B: how long after the last fault the election must have settled. The
   * slowest path is a backup that waits a full Master_Down_Interval (lowest
   * priority, longest interval), then one more advert interval and two
   * one-way delays for the loser to hear it and step down. preempt_delay adds
   * a second round (keepalived's vrrp_state_backup, which our core follows):
   * while the delay runs, lower adverts still reset Master_Down, so a router
   * with preempt_delay takes over one Master_Down_Interval after the last
   * advert it accepted, up to delay + interval after the first lower one.
   */
  settleBoundMs(): number {
    let mdi = 0;
    let interval = 0;
    let preemptDelay = 0;
    for (const n of this.#world.nodes) {
      for (const c of n.configs) {
        mdi = Math.max(mdi, masterDownMs(c, 1));
        interval = Math.max(interval, c.advertIntervalMs);
        preemptDelay = Math.max(preemptDelay, c.preemptDelayMs);
      }
    }
    const worst = mdi + interval + (preemptDelay > 0 ? preemptDelay + interval + mdi : 0);
    return Math.ceil(globalSpan(worst).max + 3 * this.#world.lan.maxDelayMs() + SETTLE_SLACK_MS);
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
    // "Can hear each other" must be an equivalence: with A↔B and A↔C but not B↔C,
    // B and C are both legitimately MASTER (stacked partitions, clogs, ACLs do this).
    if (!comps.every((c) => c.every((a) => c.every((b) => a === b || w.lan.canReach(a, b))))) {
      this.counts.settleSkipped++;
      return;
    }
    for (const vrid of w.vrids()) for (const comp of comps) this.#checkComponent(vrid, comp);
    this.counts.settles++;
    this.#converged = true;
    this.#convergedAtMs = w.now;
    this.#takeovers = [];
    const refreshMs = Math.max(0, ...w.nodes.flatMap((n) => n.configs.map((c) => c.garp.masterRefreshMs ?? Infinity)));
    if (Number.isFinite(refreshMs)) {
      w.at(w.now + refreshMs + w.lan.maxDelayMs() + SETTLE_SLACK_MS, 'arp refresh check', () => {
        if (seq === this.#faultSeq && this.#converged) this.#checkArp();
      });
    }
  }

  #checkComponent(vrid: number, comp: readonly number[]): void {
    const w = this.#world;
    const eligible: Array<{ id: number; cfg: InstanceConfig; priority: number }> = [];
    const masters: number[] = [];
    for (const id of comp) {
      const node = w.nodes[id]!;
      const cfg = node.configForVrid(vrid);
      if (!cfg) continue;
      const exp = expectedOf(node, cfg);
      const ownFault = exp.fault || !node.linkUp(cfg.ifname);
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

  /** A sync group member is faulted by a member's own fault (trackers, or carrier on that member's interface). */
  #groupFaulted(node: SimNode, cfg: InstanceConfig): boolean {
    const g = node.groups.find((x) => x.members.includes(cfg.name));
    if (!g) return false;
    return g.members.some((m) => {
      const c = node.config(m);
      return expectedPriority(c, node.trackerReported).fault || !node.linkUp(c.ifname);
    });
  }

  /**
   * Invariant 10's second half: the host's ARP entry for every VIP names the
   * master. Checked one garp_master_refresh period after convergence: without
   * a refresh VRRP itself does not guarantee it (a host that learned a master
   * which then died, while the surviving master was cut off from the host,
   * keeps the dead MAC until its own ARP re-resolution, which this host model
   * deliberately lacks). Named scenarios check the dual-master heal directly.
   */
  #checkArp(): void {
    const w = this.#world;
    for (const vrid of w.vrids()) {
      const masters = w.mastersOf(vrid);
      if (masters.length !== 1) continue;
      const m = masters[0]!;
      if (!w.lan.canReach(m.id, w.lan.hostId)) continue;
      const cfg = m.configForVrid(vrid)!;
      if (cfg.garp.masterRefreshMs === null) continue;
      this.counts.arpChecks++;
      for (const vip of cfg.advertAddresses) {
        const mac = w.host.macFor(vip);
        if (mac !== m.mac) w.fail(`host ARP: ${vip} → ${mac ?? 'nothing'}, but the master is ${m.name} (${m.mac})(a garp refresh period after convergence)`);
      }
    }
  }

  /**
   * After a converged master crashed or stopped: the first takeover is neither
   * early nor late for the router that makes it (takeover-window.ts), and no
   * later than any other backup's own deadline.
   */
  #checkTakeover(node: SimNode, cfg: InstanceConfig, reason: string, fail: (m: string) => never): void {
    const { members, mine } = waitsOf(node, cfg.vrid, this.#takeovers);
    if (mine.length === 0) return;
    const lan = this.#world.lan;
    const other = firstDeadline(this.#world.nodes, node, cfg.vrid, this.#takeovers, lan);
    this.#takeovers = this.#takeovers.filter((t) => !mine.includes(t));
    if (!mine.every((t) => t.candidates.has(node.id))) return;
    this.counts.takeoverChecks++;
    const { earliest, latest, waits } = takeoverWindow(node, members, mine, lan);
    const now = this.#world.now;
    if (now < earliest) fail(`${cfg.name} took over at ${now}ms (${reason}), sooner than the protocol allows:${waits} earliest ${earliest.toFixed(0)}ms`);
    if (now > latest) fail(`${cfg.name} took over at ${now}ms (${reason}), later than bound:${waits} + one delay = ${latest.toFixed(0)}ms`);
    if (other === null) return;
    this.counts.rivalChecks++;
    if (now > other.latest) {
      fail(`${cfg.name} took over at ${now}ms (${reason}), later than ${other.node} must have:${other.waits} + one delay = ${other.latest.toFixed(0)}ms`);
    }
  }
}

/** v3 VRIDs whose routers are configured with different advert intervals. */
function mixedIntervalVrids(world: World): Set<number> {
  const seen = new Map<number, Set<number>>();
  for (const n of world.nodes) {
    for (const c of n.configs) {
      if (c.version !== 3) continue;
      const xs = seen.get(c.vrid) ?? new Set<number>();
      xs.add(c.advertIntervalMs);
      seen.set(c.vrid, xs);
    }
  }
  return new Set([...seen].filter(([, xs]) => xs.size > 1).map(([vrid]) => vrid));
}
