// "Never sooner than the protocol allows", for every takeover in every run,
// lossy or not, derived only from what the world delivered (never from the
// core's own state). RFC 9568 §6.4.2: a BACKUP resets its Master_Down_Timer
// to Master_Down_Interval on every advert it accepts (priority ≥ ours, or any
// priority without preempt), with Master_Adver_Interval taken from that
// advert (§6.1: "the Advertisement interval contained in ADVERTISEMENTs
// received from the Master"); a priority-0 advert sets it to Skew_Time; on
// entering BACKUP (§6.4.1; keepalived measured the same for `state MASTER`)
// it starts at Master_Down_Interval with the configured interval, or with the
// interval of the advert that made a MASTER step down (§6.4.3).
//
// Timing counts from when an advert *reached the socket*, not from when the
// core got to read it: after an event-loop stall the adverts that queued are
// read before an expired timer is acted on (keepalived's scheduler does; so
// must vipkeeper's driver and core). So at a takeover, every accepted advert
// that arrived before the timer could legally have expired (the one in hand
// and those still queued behind it) moves the bound, and a core that fires a
// stale deadline before reading them fails here.
//
// An advert from a router other than the master is read two ways: RFC 9568
// §6.4.2 literally (any accepted advert resets the timer with its own
// interval, a priority 0 to Skew_Time) and §6.1 with issue 7's fix for the
// mixed-interval livelock (only the master's adverts set the timer and teach
// the interval; another router's may only push the deadline later). The
// bound takes the earlier, so a core may do either. The master is the first
// sender accepted since entering BACKUP (or the one a MASTER yielded to),
// replaced by a sender with a strictly higher priority.
//
// Lower adverts that preempt_delay may hold (keepalived) are an alternative:
// the bound takes the earliest. A later change in our priority shifts the
// running timer by the change in Skew_Time (keepalived does the same), so the
// bound shifts by the smallest shift any interval it may be timing gives.
import type { Millis } from '../../src/base/units.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import type { SimNode } from './node.ts';
import { compareIp } from '../../src/base/ip.ts';
import { advertisedIntervalMs, masterDownMs, skewMs, wouldProcess } from './expect.ts';

interface DownBase {
  /** Earliest local time a takeover is legal, and why. */
  lo: number;
  why: string;
  /** Master_Adver_Interval per the last advert that reset the timer (or the entry interval). */
  intervalMs: number;
  /** The longest interval the core may be timing since it entered BACKUP (the BACKUP timer's upper bound). */
  maxIntervalMs: number;
  /** The shortest it may be timing since the last reset (preempt_delay may have accepted lower adverts). */
  minIntervalMs: number;
  /** The expected priority lo was computed at. */
  prio: number;
  /** The router this backup takes as master, its advertised priority and interval. */
  masterSrc: string | null;
  masterPrio: number;
  masterIntervalMs: number;
  /** A priority-0 advert arrived since the master's last advert. */
  zeroSeen: boolean;
}

/** Rounding of fractional skews onto integer-ms clocks. */
const SLACK_MS = 1;

export type PriorityOf = (node: SimNode, cfg: InstanceConfig) => number;

/** A stall's end in progress, per BACKUP instance that had adverts queued: its bound before they were read. */
interface StallRead {
  readonly staleLo: number;
  queued: number;
}

export class EarlyTakeoverCheck {
  readonly #bases = new WeakMap<SimNode, Map<string, DownBase>>();
  readonly #stallReads = new WeakMap<SimNode, Map<string, StallRead>>();
  readonly #prio: PriorityOf;
  checked = 0;
  /**
   * Stall ends at which the read-first rule decided: a BACKUP instance whose
   * deadline, per what it had read before the stall, had expired by the late
   * timers, with adverts for it queued during the stall. A core that fires
   * its timers before reading them takes over there (and fails the bound); a
   * correct one reads them first, whatever it then decides.
   */
  readFirstJudged = 0;

  constructor(prio: PriorityOf) {
    this.#prio = prio;
  }

  /** The longest Master_Adver_Interval the BACKUP instance may be timing, per the adverts delivered. */
  maxIntervalMs(node: SimNode, name: string): number | undefined {
    return this.#bases.get(node)?.get(name)?.maxIntervalMs;
  }

  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], now: Millis, fail: (m: string) => never): void {
    if (!node.router) return;
    let bases = this.#bases.get(node);
    if (!bases) this.#bases.set(node, (bases = new Map()));
    if (cause === 'start') bases.clear();
    const stallReads = this.#stallReadsOf(node, cause, now);
    const rx = cause === 'rx' ? node.lastRx : null;
    const rxCfg = rx ? cfgFor(node, rx, node.lastRxSrc!) : undefined;
    let moved: string[] | null = null;
    for (const { instance, action } of actions) {
      if (action.type !== 'transition') continue;
      (moved ??= []).push(instance);
      const cfg = node.config(instance);
      const base = bases.get(instance);
      if (action.from === 'BACKUP' && action.to === 'MASTER' && action.reason !== 'syncGroup' && base) {
        this.#checkBound(node, cfg, base, action.reason, rx !== null && rxCfg === cfg ? rx : null, now, fail);
      }
      if (action.to !== 'BACKUP') {
        bases.delete(instance);
        continue;
      }
      const prio = this.#prio(node, cfg);
      // §6.4.3: a MASTER that yields to a better advert takes that advert's interval.
      const stepDown = action.from === 'MASTER' && action.reason === 'higherPriorityAdvert' && rx !== null && rxCfg === cfg;
      const intervalMs = stepDown ? advertisedIntervalMs(cfg, rx) : cfg.advertIntervalMs;
      bases.set(instance, {
        lo: now + masterDownMs(cfg, prio, intervalMs),
        why: `Master_Down_Interval at interval ${intervalMs} after entering BACKUP (${action.from}, ${action.reason}) at ${now}`,
        intervalMs,
        maxIntervalMs: intervalMs,
        minIntervalMs: intervalMs,
        prio,
        masterSrc: stepDown ? node.lastRxSrc : null,
        masterPrio: stepDown ? rx.priority : 0,
        masterIntervalMs: intervalMs,
        zeroSeen: false,
      });
    }
    for (const [name, base] of bases) {
      if (moved?.includes(name)) continue;
      const cfg = node.config(name);
      const prio = this.#prio(node, cfg);
      if (prio !== base.prio) shift(cfg, base, prio, now);
      if (rx !== null && rxCfg === cfg && stallReads !== null) {
        const r = stallReads.get(name) ?? { staleLo: base.lo, queued: 0 };
        r.queued++;
        stallReads.set(name, r);
      }
      if (rx !== null && rxCfg === cfg) accept(cfg, base, rx, node.lastRxSrc!, prio, node.lastRxArrivedLocal ?? now);
    }
  }

  /**
   * The stall end being read on `node` (null when this step is not part of
   * one). At its 'late timers' step, counts each instance judged there.
   */
  #stallReadsOf(node: SimNode, cause: string, now: number): Map<string, StallRead> | null {
    let reads = this.#stallReads.get(node);
    if (!reads) this.#stallReads.set(node, (reads = new Map()));
    if (cause === 'rx' && node.readingQueue) return reads;
    if (cause === 'late timers') for (const r of reads.values()) if (r.staleLo <= now) this.readFirstJudged++;
    reads.clear();
    return null;
  }

  #checkBound(node: SimNode, cfg: InstanceConfig, base: DownBase, reason: string, inHand: Advert | null, now: number, fail: (m: string) => never): void {
    this.checked++;
    const prio = this.#prio(node, cfg);
    if (reason === 'priorityZero' && !base.zeroSeen) fail(`${cfg.name}: took over for 'priorityZero' without having received priority 0 (${base.why})`);
    // Read first: what had reached the socket before the timer could expire
    // counts, in arrival order: the advert this step was handed, then the queue.
    const b = { ...base };
    let queued = 0;
    if (inHand !== null) {
      const at = node.lastRxArrivedLocal ?? now;
      if (at < b.lo && accept(cfg, b, inHand, node.lastRxSrc!, prio, at)) queued++;
    }
    for (const q of node.inbox) {
      const a = decodedOf(q.frame);
      if (a === null || q.frame.ifname !== cfg.ifname) continue;
      const at = node.clock.local(q.arrivedMs);
      if (at < b.lo && wouldProcess(cfg, a, q.frame.ends.src) && accept(cfg, b, a, q.frame.ends.src, prio, at)) queued++;
    }
    if (now < b.lo - SLACK_MS) {
      const read = queued > 0 ? ` (${queued} advert(s) that reached the socket before then were not read first)` : '';
      fail(`${cfg.name}: BACKUP→MASTER (${reason}) at local ${now}, sooner than ${b.why} = ${b.lo.toFixed(1)}${read}`);
    }
  }
}

/**
 * One advert delivered to a BACKUP at local time `at`; returns whether it
 * reset the timer. The caller has checked it is for this instance.
 */
function accept(cfg: InstanceConfig, base: DownBase, a: Advert, src: string, prio: number, at: number): boolean {
  const i = advertisedIntervalMs(cfg, a);
  if (a.priority === 0) {
    // Skew_Time (RFC 9568 §6.4.2). From the master, every reading agrees; from
    // another router a core may instead keep its deadline, so only the earlier counts.
    const skewAt = at + skewMs(cfg, prio, Math.min(base.intervalMs, base.minIntervalMs, base.masterIntervalMs));
    base.zeroSeen = true;
    if (src !== base.masterSrc && skewAt >= base.lo) return false;
    base.lo = skewAt;
    base.why = `Skew_Time after the priority-0 advert at ${at}`;
    base.prio = prio;
    return true;
  }
  if (a.priority >= prio || !cfg.preempt) {
    base.maxIntervalMs = Math.max(base.maxIntervalMs, i);
    base.prio = prio;
    // The master: the first sender since entering BACKUP, the same one again,
    // or one with a higher priority (every reading agrees that it resets the
    // timer with its own interval).
    if (base.masterSrc === null || src === base.masterSrc || a.priority > base.masterPrio) {
      base.masterSrc = src;
      base.masterPrio = a.priority;
      base.masterIntervalMs = i;
      base.intervalMs = i;
      base.minIntervalMs = i;
      base.zeroSeen = false;
      base.lo = at + masterDownMs(cfg, prio, i);
      base.why = `Master_Down_Interval at interval ${i} after the master's advert (priority ${a.priority}) that reached the socket at ${at}`;
      return true;
    }
    // Another router: the RFC's text resets the timer with this advert's
    // interval; issue 7's reading keeps the master's deadline or pushes it
    // later. The earlier of the two is the bound.
    base.minIntervalMs = Math.min(base.minIntervalMs, i);
    const alt = at + masterDownMs(cfg, prio, i);
    if (alt >= base.lo) return false;
    base.lo = alt;
    base.why = `Master_Down_Interval at interval ${i} after another router's advert (priority ${a.priority}) that reached the socket at ${at}`;
    return true;
  }
  if (cfg.preemptDelayMs > 0) {
    // keepalived's preempt_delay: a lower advert may be accepted while the delay runs.
    const alt = at + masterDownMs(cfg, prio, i);
    base.maxIntervalMs = Math.max(base.maxIntervalMs, i);
    base.minIntervalMs = Math.min(base.minIntervalMs, i);
    if (alt < base.lo) {
      base.lo = alt;
      base.why = `Master_Down_Interval at interval ${i} after a lower advert preempt_delay may hold, at ${at}`;
    }
  }
  return false;
}

/** Our priority changed while BACKUP: the running timer moves by the change in Skew_Time. */
function shift(cfg: InstanceConfig, base: DownBase, prio: number, now: number): void {
  const by = (i: number) => skewMs(cfg, prio, i) - skewMs(cfg, base.prio, i);
  const least = Math.min(by(base.intervalMs), by(base.maxIntervalMs), by(base.minIntervalMs), by(base.masterIntervalMs), by(cfg.advertIntervalMs));
  base.lo = Math.max(now, base.lo + least);
  base.why += ` (shifted ${least.toFixed(1)}ms by priority ${base.prio}→${prio})`;
  base.prio = prio;
}

/** The instance of `node` an advert is for, by the world's routing (interface, family, VRID) and RFC acceptance. */
function cfgFor(node: SimNode, a: Advert, src: string): InstanceConfig | undefined {
  const cfg = instanceCfgFor(node, a);
  return cfg && wouldProcess(cfg, a, src) ? cfg : undefined;
}

/** The instance an advert is for (by VRID and family; ifname is checked by the world's delivery). */
export function instanceCfgFor(node: SimNode, a: Advert): InstanceConfig | undefined {
  return node.configs.find((c) => c.vrid === a.vrid && c.family === a.family);
}

function decodedOf(f: { readonly corrupted: boolean; readonly sent: Advert }): Advert | null {
  return f.corrupted ? null : f.sent;
}
