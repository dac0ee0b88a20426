// Sync groups as a pure coordinator (keepalived vrrp_sync.c and the TSM
// table in vrrp_scheduler.c): members move together.
// - A member going to MASTER takes every BACKUP member to MASTER, but only
//   when the others also want MASTER (their own Master_Down ran out) or one
//   is MASTER already: "prefer backup state to avoid thrashing".
// - A member going to FAULT takes every member to FAULT; the group leaves
//   FAULT only when no member has a fault of its own, and then all go BACKUP,
//   or all go MASTER when the member leaving was an address owner with
//   `state MASTER` (keepalived's vrrp_sync_master moves FAULT members too).
// - A MASTER member going to BACKUP takes the other MASTERs to BACKUP; when
//   it yielded to a better advert, those with higher_prio_send_advert send a
//   last advert first (keepalived 2.2.7 does not: see docs/design-notes.md).
// - A MASTER member hearing a lower-priority advert (a second master) makes
//   every other MASTER member announce its VIPs too (keepalived 2.2.7's
//   vrrp_state_master_rx, for members with garp_lower_prio_repeat).
import type { Millis } from '../base/units.ts';
import type { Action, SyncStart } from './types.ts';
import { PRIORITY_OWNER } from './priority.ts';
import type { Instance, SyncGate } from './instance.ts';

export interface SyncGroupConfig {
  readonly name: string;
  readonly members: readonly string[];
}

export interface TaggedAction {
  readonly instance: string;
  readonly action: Action;
}

type Transition = Extract<Action, { type: 'transition' }>;

export class SyncGroup implements SyncGate {
  readonly name: string;
  readonly #members: readonly Instance[];

  constructor(name: string, members: readonly Instance[]) {
    this.name = name;
    this.#members = members;
  }

  get members(): readonly Instance[] {
    return this.#members;
  }

  canGoMaster(member: Instance): boolean {
    const others = this.#members.filter((m) => m !== member);
    if (others.some((m) => m.state === 'MASTER')) return true;
    return others.every((m) => m.wantsMaster);
  }

  /**
   * The state every member starts from (keepalived's vrrp_sync_set_group and
   * vrrp_init_state): FAULT if a member has a fault of its own at start-up,
   * MASTER if every member is an address owner with `state MASTER`, else BACKUP.
   */
  startState(): SyncStart {
    if (this.#members.some((m) => m.ownFault)) return 'FAULT';
    const owners = this.#members.every((m) => m.config.priority === PRIORITY_OWNER && m.config.initialState === 'MASTER');
    return owners ? 'MASTER' : 'BACKUP';
  }

  canLeaveFault(member: Instance): boolean {
    return this.#members.every((m) => m === member || !m.ownFault);
  }

  /** Reacts to one member's own transition; returns the other members' actions. */
  react(source: Instance, t: Transition, now: Millis): TaggedAction[] {
    if (t.reason === 'syncGroup') return [];
    const target = this.#target(t);
    if (target === null) return [];
    const out: TaggedAction[] = [];
    const followers = this.#members.filter((m) => m !== source && m.state !== target && m.state !== 'STOP' && m.state !== 'INIT');
    if (followers.length === 0) return out;
    out.push({ instance: source.config.name, action: { type: 'log', level: 'info', msg: `VRRP_Group(${this.name}) Syncing instances to ${target} state` } });
    for (const m of followers) {
      for (const action of m.syncTo(target, now, t.reason === 'higherPriorityAdvert')) out.push({ instance: m.config.name, action });
    }
    return out;
  }

  /** A member heard a lower-priority advert as MASTER: the other MASTER members announce too. */
  reannounce(source: Instance, now: Millis): TaggedAction[] {
    const out: TaggedAction[] = [];
    for (const m of this.#members) {
      if (m === source || m.state !== 'MASTER') continue;
      for (const action of m.announceSecondMaster(now)) out.push({ instance: m.config.name, action });
    }
    return out;
  }

  #target(t: Transition): 'MASTER' | 'BACKUP' | 'FAULT' | null {
    if (t.to === 'MASTER' || t.to === 'FAULT') return t.to;
    if (t.to === 'BACKUP' && (t.from === 'MASTER' || t.from === 'FAULT')) return 'BACKUP';
    return null;
  }
}
