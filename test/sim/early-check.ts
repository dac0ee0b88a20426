// "Never sooner than the protocol allows", for every takeover in every run,
// lossy or not: a BACKUP may become MASTER no earlier than Master_Down_Interval
// after the last advert that reset its timer (RFC 9568 §6.4.2: any advert with
// priority ≥ ours, or any advert at all without preempt), Skew_Time after a
// priority-0 advert, or one interval + Skew_Time(255) after a `state MASTER`
// start (keepalived's vrrp_init_state). Adverts the core may also accept
// during preempt_delay are ambiguous (held or discarded, depending on state the
// checker can't see): each is kept as an alternative deadline and the bound is
// the earliest alternative, since with v3 a lower router's shorter interval
// can make the timer earlier.
import type { Millis } from '../../src/base/units.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import type { Instance } from '../../src/vrrp/instance.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import type { SimNode } from './node.ts';
import { masterDownMs, skewMs } from './expect.ts';

interface DownBase {
  baseMs: number; // local time the Master_Down timer was last (re)started from
  intervalMs: number; // the Master_Adver_Interval it was started with
  basePrio: number; // our priority then: a later change shifts the timer by the change in skew (keepalived does too)
  zeroMs: number | null; // a priority-0 advert arrived after the base
  zeroIntervalMs: number;
  /** preempt_delay: lower adverts the core may have accepted, earliest per advertised interval. */
  held: Map<number, number>;
  startWait: boolean; // `state MASTER` start-up wait still running
}

/** Rounding of fractional skews onto integer-ms clocks. */
const SLACK_MS = 1;

export class EarlyTakeoverCheck {
  readonly #bases = new WeakMap<SimNode, Map<string, DownBase>>();
  checked = 0;

  afterStep(node: SimNode, cause: string, actions: readonly TaggedAction[], now: Millis, fail: (m: string) => never): void {
    const router = node.router;
    if (!router) return;
    let bases = this.#bases.get(node);
    if (!bases) this.#bases.set(node, (bases = new Map()));
    let moved: string[] | null = null;
    for (const { instance, action } of actions) {
      if (action.type !== 'transition') continue;
      (moved ??= []).push(instance);
      const inst = router.instance(instance)!;
      if (action.from === 'BACKUP' && action.to === 'MASTER' && action.reason !== 'syncGroup') {
        this.#checkBound(inst, bases.get(instance), action.reason, now, fail);
      }
      if (action.to === 'BACKUP') {
        bases.set(instance, {
          baseMs: now,
          intervalMs: inst.masterAdverIntervalMs,
          basePrio: action.priority,
          zeroMs: null,
          zeroIntervalMs: 0,
          held: new Map(),
          startWait: action.from === 'INIT' && inst.config.initialState === 'MASTER',
        });
      }
    }
    const rx = node.lastRx;
    if (cause !== 'rx' || rx === null) return;
    const inst = instanceFor(node, rx);
    if (!inst || inst.state !== 'BACKUP' || moved?.includes(inst.config.name)) return;
    for (const a of actions) if (a.action.type === 'drop' && a.instance === inst.config.name) return;
    this.#accepted(inst, rx, bases.get(inst.config.name), now);
  }

  #accepted(inst: Instance, rx: Advert, base: DownBase | undefined, now: number): void {
    if (!base) return;
    if (rx.priority === 0) {
      base.zeroMs = now;
      base.zeroIntervalMs = inst.masterAdverIntervalMs;
    } else if (rx.priority >= inst.effectivePriority || !inst.config.preempt) {
      base.baseMs = now;
      base.intervalMs = inst.masterAdverIntervalMs;
      base.basePrio = inst.effectivePriority;
      base.zeroMs = null;
      base.startWait = false;
      base.held.clear();
    } else if (inst.config.preemptDelayMs > 0) {
      const i = inst.config.version === 3 ? rx.advertIntervalCs * 10 : inst.config.advertIntervalMs;
      if (!base.held.has(i)) base.held.set(i, now);
    }
  }

  #checkBound(inst: Instance, base: DownBase | undefined, reason: string, now: number, fail: (m: string) => never): void {
    if (!base) return;
    this.checked++;
    const cfg = inst.config;
    const prio = inst.effectivePriority;
    let earliest: number;
    let what: string;
    if (reason === 'priorityZero' && base.zeroMs === null) fail(`${cfg.name}: took over for 'priorityZero' without having received priority 0`);
    if (base.zeroMs !== null) {
      // The last thing that set the timer was a priority-0 advert (whatever reason the core names).
      earliest = base.zeroMs + skewMs(cfg, prio, base.zeroIntervalMs);
      what = `Skew_Time after the priority-0 advert at ${base.zeroMs}`;
    } else if (base.startWait) {
      const shift = skewMs(cfg, prio, base.intervalMs) - skewMs(cfg, base.basePrio, base.intervalMs);
      earliest = base.baseMs + base.intervalMs + skewMs(cfg, 255, base.intervalMs) + shift;
      what = `one interval + Skew_Time(255) (shifted ${shift.toFixed(1)}ms by priority ${base.basePrio}→${prio}) after a state MASTER start at ${base.baseMs}`;
    } else {
      earliest = base.baseMs + masterDownMs(cfg, prio, base.intervalMs);
      what = `Master_Down_Interval (${masterDownMs(cfg, prio, base.intervalMs).toFixed(1)}ms at interval ${base.intervalMs}) after the last advert that reset it at ${base.baseMs}`;
    }
    if (base.zeroMs === null) {
      for (const [i, rxMs] of base.held) {
        const alt = rxMs + masterDownMs(cfg, prio, i);
        if (alt < earliest) {
          earliest = alt;
          what = `Master_Down_Interval at interval ${i} after a lower advert held during preempt_delay at ${rxMs}`;
        }
      }
    }
    if (now < earliest - SLACK_MS) fail(`${cfg.name}: BACKUP→MASTER (${reason}) at local ${now}, sooner than ${what}`);
  }
}

/** The instance an advert is for (the router's own routing, by VRID and family; one interface here). */
export function instanceFor(node: SimNode, rx: Advert): Instance | undefined {
  for (const i of node.router!.instances()) if (i.config.vrid === rx.vrid && i.config.family === rx.family) return i;
  return undefined;
}
