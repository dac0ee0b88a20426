// The transition table: every (from, to, reason) the core can take, with the
// event that triggers it. Instance.transition() asserts each move is listed
// here, and scripts/gen-state-diagram.ts renders it to docs/state-machine.md,
// so the table is both the enforcement and the documentation (STYLE rule 3).
import type { TransitionReason, VrrpState } from './types.ts';

export interface TransitionRow {
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: TransitionReason;
  readonly on: string; // the triggering event, for the diagram
}

export const VRRP_STATES: readonly VrrpState[] = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP'];

export const TRANSITIONS: readonly TransitionRow[] = [
  { from: 'INIT', to: 'MASTER', reason: 'owner', on: 'start, priority 255 and state MASTER' },
  { from: 'INIT', to: 'BACKUP', reason: 'startup', on: 'start' },
  { from: 'INIT', to: 'FAULT', reason: 'fault', on: 'start with interface down or weight-0 tracker failed' },
  { from: 'INIT', to: 'FAULT', reason: 'syncGroup', on: 'start in a sync group a member of which starts in FAULT' },
  { from: 'INIT', to: 'STOP', reason: 'shutdown', on: 'shutdown before start' },
  { from: 'INIT', to: 'MASTER', reason: 'reload', on: 'start after a reload, was MASTER (silent)' },
  { from: 'INIT', to: 'BACKUP', reason: 'reload', on: 'start after a reload, was BACKUP (silent)' },
  { from: 'BACKUP', to: 'MASTER', reason: 'masterDown', on: 'Master_Down timer expired' },
  { from: 'BACKUP', to: 'MASTER', reason: 'priorityZero', on: 'Skew_Time after a priority 0 advert' },
  { from: 'BACKUP', to: 'MASTER', reason: 'preempt', on: 'Master_Down timer expired while discarding lower-priority adverts' },
  { from: 'BACKUP', to: 'MASTER', reason: 'syncGroup', on: 'a sync group member became MASTER' },
  { from: 'BACKUP', to: 'FAULT', reason: 'fault', on: 'interface down or weight-0 tracker failed' },
  { from: 'BACKUP', to: 'FAULT', reason: 'syncGroup', on: 'a sync group member entered FAULT' },
  { from: 'BACKUP', to: 'STOP', reason: 'shutdown', on: 'shutdown' },
  { from: 'MASTER', to: 'BACKUP', reason: 'higherPriorityAdvert', on: 'advert with higher priority (or equal and higher address)' },
  { from: 'MASTER', to: 'BACKUP', reason: 'syncGroup', on: 'a sync group member left MASTER' },
  { from: 'MASTER', to: 'FAULT', reason: 'fault', on: 'interface down or weight-0 tracker failed (sends priority 0)' },
  { from: 'MASTER', to: 'FAULT', reason: 'syncGroup', on: 'a sync group member entered FAULT (sends priority 0)' },
  { from: 'MASTER', to: 'STOP', reason: 'shutdown', on: 'shutdown (sends priority 0, removes VIPs)' },
  { from: 'FAULT', to: 'BACKUP', reason: 'faultCleared', on: 'interface up and weight-0 trackers up' },
  { from: 'FAULT', to: 'BACKUP', reason: 'syncGroup', on: 'the sync group left FAULT' },
  { from: 'FAULT', to: 'MASTER', reason: 'owner', on: 'fault cleared, priority 255 and state MASTER' },
  { from: 'FAULT', to: 'MASTER', reason: 'syncGroup', on: 'the sync group left FAULT for MASTER (its owner did)' },
  { from: 'FAULT', to: 'STOP', reason: 'shutdown', on: 'shutdown' },
];

const KEYS = new Set(TRANSITIONS.map((t) => `${t.from}>${t.to}>${t.reason}`));

export function isListedTransition(from: VrrpState, to: VrrpState, reason: TransitionReason): boolean {
  return KEYS.has(`${from}>${to}>${reason}`);
}
