// Invariants that hold after every single step of one node (one input through
// its Router and the execution of what came back).
import type { Millis } from '../../src/base/units.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import { TIMER_SLOTS } from '../../src/vrrp/timers.ts';
import type { SimNode } from './node.ts';
import { expectedPriority, masterDownMs, type Expected } from './expect.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import type { Instance } from '../../src/vrrp/instance.ts';

type Fail = (msg: string) => never;

/** The longest Master_Adver_Interval a BACKUP may be timing, from the adverts the world delivered to it. */
export type MaxIntervalOf = (node: SimNode, instance: string) => number | undefined;

export function checkStep(
  node: SimNode,
  cause: string,
  actions: readonly TaggedAction[],
  localNow: Millis,
  fail: Fail,
  maxIntervalOf: MaxIntervalOf,
): void {
  if (node.violations.length > 0) fail(node.violations.join('; '));
  checkDropCounters(node, actions, fail);
  const router = node.router;
  if (!router) return;
  for (const inst of router.instances()) {
    const cfg = node.config(inst.config.name); // the configuration as written, not as the core holds it
    const state = inst.state;
    // Invariant 8: the notify log (transition actions) tracks the real state.
    if (node.notified.get(cfg.name) !== state) fail(`${cfg.name}: notified ${node.notified.get(cfg.name)} but state is ${state}`);
    // Invariant 2: VIPs are installed exactly while MASTER.
    let held = 0;
    for (const v of cfg.advertAddresses) if (node.kernel.has(v)) held++;
    if (state === 'MASTER' && held !== cfg.advertAddresses.length) fail(`${cfg.name}: MASTER without its VIPs (${held}/${cfg.advertAddresses.length})`);
    if (state !== 'MASTER' && held !== 0) fail(`${cfg.name}: ${state} still holds ${held} VIP(s)`);
    // Invariant 5: the effective priority is derivable from scratch (an owner
    // is at 254 only after the checker saw it hear another owner while MASTER).
    const exp = expectedOf(node, cfg);
    if (inst.effectivePriority !== exp.priority) {
      const owner = cfg.priority === 255 ? (node.demotedOwners.has(cfg.name) ? ' (owner, demoted by another owner\'s advert)' : ' (address owner; no other owner heard while MASTER)') : '';
      fail(`${cfg.name}: effective priority ${inst.effectivePriority}, expected ${exp.priority}${owner} from trackers ${JSON.stringify([...node.trackerReported])}`);
    }
    const ownFault = exp.fault || !node.linkReported(cfg.ifname);
    if (ownFault && state !== 'FAULT' && state !== 'STOP' && state !== 'INIT') fail(`${cfg.name}: faulted (trackers/link) but ${state}`);
    checkTimers(cfg, inst, exp.priority, maxIntervalOf(node, cfg.name) ?? cfg.advertIntervalMs, localNow, cause === 'timer' || cause === 'late timers', fail);
  }
  // Sync group members never disagree for longer than one event.
  for (const g of node.groups) {
    const first = router.instance(g.members[0]!)!.state;
    if (g.members.every((m) => router.instance(m)!.state === first)) continue;
    const states = g.members.map((m) => router.instance(m)!.state);
    fail(`sync group ${g.name} split: ${g.members.map((m, i) => `${m}=${states[i]}`).join(' ')}`);
  }
}

/** Invariant 6's second half: each rejected advert bumps exactly one drop counter. */
function checkDropCounters(node: SimNode, actions: readonly TaggedAction[], fail: Fail): void {
  if (!node.router) return;
  let after = 0;
  for (const i of node.router.instances()) {
    const d = i.stats.drops;
    for (const k in d) after += d[k as keyof typeof d] ?? 0;
  }
  let dropActions = 0;
  for (const a of actions) if (a.action.type === 'drop' && a.instance !== '') dropActions++;
  const before = node.dropTotal;
  node.dropTotal = after;
  if (after - before !== dropActions) fail(`${dropActions} drop action(s) but drop counters moved by ${after - before}`);
}

/** Invariant 4: timer slots match the state, and none is in the past after timers ran. */
function checkTimers(cfg: InstanceConfig, inst: Instance, priority: number, maxIntervalMs: number, now: Millis, timersRan: boolean, fail: Fail): void {
  const name = cfg.name;
  const state = inst.state;
  const advert = inst.deadline('advert');
  const down = inst.deadline('masterDown');
  switch (state) {
    case 'MASTER':
      if (advert === null || down !== null) fail(`${name}: MASTER with advert=${advert} masterDown=${down}`);
      if (advert > now + cfg.advertIntervalMs + 1) fail(`${name}: next advert at ${advert - now}ms, more than one interval away`);
      break;
    case 'BACKUP': {
      if (down === null || advert !== null) fail(`${name}: BACKUP with advert=${advert} masterDown=${down}`);
      // Bounded by the adverts delivered to it, not by what the core says it learned.
      const mdi = masterDownMs(cfg, priority, maxIntervalMs);
      if (down > now + mdi + 1) fail(`${name}: master-down at ${down - now}ms, beyond Master_Down_Interval ${mdi.toFixed(1)}ms (interval ${maxIntervalMs}, the longest the adverts it received gave)`);
      break;
    }
    default:
      for (const s of TIMER_SLOTS) if (inst.deadline(s) !== null) fail(`${name}: ${state} with timer ${s} armed`);
  }
  const next = inst.nextDeadline();
  if (timersRan && next !== null && next <= now) fail(`${name}: a timer at ${next} is not after now ${now} once timers ran`);
}

/** expectedPriority, recomputed only when the node's tracker reports (or an owner's demotion) change. */
export function expectedOf(node: SimNode, cfg: InstanceConfig): Expected {
  const hit = node.expectedCache.get(cfg.name);
  if (hit && hit.epoch === node.trackerEpoch) return hit.exp;
  const exp = expectedPriority(cfg, node.trackerReported, node.demotedOwners.has(cfg.name));
  node.expectedCache.set(cfg.name, { epoch: node.trackerEpoch, exp });
  return exp;
}
