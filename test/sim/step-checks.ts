// Invariants that hold after every single step of one node (one input through
// its Router and the execution of what came back).
import type { Millis } from '../../src/base/units.ts';
import type { VrrpState } from '../../src/vrrp/types.ts';
import type { TaggedAction } from '../../src/vrrp/router.ts';
import { TIMER_SLOTS } from '../../src/vrrp/timers.ts';
import type { SimNode } from './node.ts';
import { expectedPriority, masterDownMs } from './expect.ts';

type Fail = (msg: string) => never;

export function checkStep(
  node: SimNode,
  cause: string,
  actions: readonly TaggedAction[],
  localNow: Millis,
  dropsBefore: number,
  fail: Fail,
): void {
  if (node.violations.length > 0) fail(node.violations.join('; '));
  checkDropCounters(node, actions, dropsBefore, fail);
  const router = node.router;
  if (!router) return;
  for (const inst of router.instances()) {
    const cfg = inst.config;
    const state = inst.state;
    // Invariant 8: the notify log (transition actions) tracks the real state.
    if (node.notified.get(cfg.name) !== state) fail(`${cfg.name}: notified ${node.notified.get(cfg.name)} but state is ${state}`);
    // Invariant 2: VIPs are installed exactly while MASTER.
    const held = cfg.advertAddresses.filter((v) => node.kernel.has(v)).length;
    if (state === 'MASTER' && held !== cfg.advertAddresses.length) fail(`${cfg.name}: MASTER without its VIPs (${held}/${cfg.advertAddresses.length})`);
    if (state !== 'MASTER' && held !== 0) fail(`${cfg.name}: ${state} still holds ${held} VIP(s)`);
    // Invariant 5: the effective priority is derivable from scratch.
    const exp = expectedPriority(cfg, node.trackerReported);
    if (inst.effectivePriority !== exp.priority && !(cfg.priority === 255 && inst.effectivePriority === 254)) {
      fail(`${cfg.name}: effective priority ${inst.effectivePriority}, expected ${exp.priority} from trackers ${JSON.stringify([...node.trackerReported])}`);
    }
    const ownFault = exp.fault || !node.linkReported;
    if (ownFault && state !== 'FAULT' && state !== 'STOP' && state !== 'INIT') fail(`${cfg.name}: faulted (trackers/link) but ${state}`);
    checkTimers(node, inst.config.name, state, (s) => inst.deadline(s), inst.masterAdverIntervalMs, exp.priority, localNow, cause === 'timer' || cause === 'late timers', fail);
  }
  // Sync group members never disagree for longer than one event.
  for (const g of node.groups) {
    const states = g.members.map((m) => router.instance(m)!.state);
    if (states.some((s) => s !== states[0])) fail(`sync group ${g.name} split: ${g.members.map((m, i) => `${m}=${states[i]}`).join(' ')}`);
  }
}

/** Invariant 6's second half: each rejected advert bumps exactly one drop counter. */
function checkDropCounters(node: SimNode, actions: readonly TaggedAction[], dropsBefore: number, fail: Fail): void {
  if (!node.router) return;
  let after = 0;
  for (const i of node.router.instances()) for (const k in i.stats.drops) after += i.stats.drops[k as keyof typeof i.stats.drops] ?? 0;
  const dropActions = actions.filter((a) => a.action.type === 'drop' && a.instance !== '').length;
  if (after - dropsBefore !== dropActions) fail(`${dropActions} drop action(s) but drop counters moved by ${after - dropsBefore}`);
}

/** Invariant 4: timer slots match the state, and none is in the past after timers ran. */
function checkTimers(
  node: SimNode,
  name: string,
  state: VrrpState,
  deadline: (slot: (typeof TIMER_SLOTS)[number]) => Millis | null,
  masterIntervalMs: number,
  priority: number,
  now: Millis,
  timersRan: boolean,
  fail: Fail,
): void {
  const advert = deadline('advert');
  const down = deadline('masterDown');
  const cfg = node.config(name);
  switch (state) {
    case 'MASTER':
      if (advert === null || down !== null) fail(`${name}: MASTER with advert=${advert} masterDown=${down}`);
      if (advert > now + cfg.advertIntervalMs + 1) fail(`${name}: next advert at ${advert - now}ms, more than one interval away`);
      break;
    case 'BACKUP':
      if (down === null || advert !== null) fail(`${name}: BACKUP with advert=${advert} masterDown=${down}`);
      if (down > now + masterDownMs(cfg, priority, Math.max(masterIntervalMs, cfg.advertIntervalMs)) + 1) fail(`${name}: master-down at ${down - now}ms, beyond Master_Down_Interval`);
      break;
    default:
      for (const s of TIMER_SLOTS) if (deadline(s) !== null) fail(`${name}: ${state} with timer ${s} armed`);
  }
  if (timersRan) for (const s of TIMER_SLOTS) {
    const d = deadline(s);
    if (d !== null && d <= now) fail(`${name}: timer ${s} at ${d} is not after now ${now} once timers ran`);
  }
}
