// When a MASTER announces its VIPs (gratuitous ARP / unsolicited NA), as
// keepalived 2.2.7 schedules it: a burst on becoming MASTER and another
// garp_master_delay later; every garp_master_refresh while MASTER; and, on a
// lower-priority advert (dual-master recovery, keepalived issue #166), a burst
// at once and another garp_lower_prio_delay later. Timer slots carry the delays.
import type { Millis } from '../base/units.ts';
import type { Action, GarpConfig } from './types.ts';
import type { TimerTable } from './timers.ts';

type Announce = Extract<Action, { type: 'announce' }>;

function announce(out: Action[], count: number, reason: Announce['reason']): void {
  if (count > 0) out.push({ type: 'announce', count, reason });
}

export function lowerPrioRepeat(g: GarpConfig): number {
  return g.lowerPrioRepeat ?? g.masterRepeat;
}

export function lowerPrioDelayMs(g: GarpConfig): Millis {
  return g.lowerPrioDelayMs ?? g.masterDelayMs;
}

export function garpOnMasterEntry(g: GarpConfig, timers: TimerTable, now: Millis, out: Action[]): void {
  announce(out, g.masterRepeat, 'becameMaster');
  if (g.masterDelayMs > 0 && g.masterRepeat > 0) timers.set('garpDelay', (now + g.masterDelayMs) as Millis);
  if (g.masterRefreshMs !== null && g.masterRefreshMs > 0) timers.set('garpRefresh', (now + g.masterRefreshMs) as Millis);
}

export function garpOnLowerPriority(g: GarpConfig, timers: TimerTable, now: Millis, out: Action[]): void {
  const repeat = lowerPrioRepeat(g);
  if (repeat <= 0) return;
  announce(out, repeat, 'lowerPriority');
  const delay = lowerPrioDelayMs(g);
  if (delay > 0) timers.set('lowerPrioGarp', (now + delay) as Millis);
}

/** Fires whichever GARP slots are due; re-arms the refresh. */
export function garpOnTimer(g: GarpConfig, timers: TimerTable, now: Millis, out: Action[]): void {
  if (timers.due('garpDelay', now)) {
    timers.clear('garpDelay');
    announce(out, g.masterRepeat, 'delayed');
  }
  if (timers.due('garpRefresh', now)) {
    announce(out, g.masterRefreshRepeat, 'refresh');
    if (g.masterRefreshMs !== null && g.masterRefreshMs > 0) timers.set('garpRefresh', (now + g.masterRefreshMs) as Millis);
    else timers.clear('garpRefresh');
  }
  if (timers.due('lowerPrioGarp', now)) {
    timers.clear('lowerPrioGarp');
    announce(out, lowerPrioRepeat(g), 'lowerPriority');
  }
}
