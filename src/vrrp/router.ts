// Every instance of one daemon: routes adverts by (interface, family, VRID),
// fans out tracker and link events, applies sync groups, and aggregates
// deadlines so the driver needs one OS timer. Pure, like the instances.
import type { Millis } from '../base/units.ts';
import type { Family } from '../base/ip.ts';
import { assert } from '../base/assert.ts';
import type { Advert } from './advert.ts';
import type { Action, InstanceConfig, InstanceEvent, Resume } from './types.ts';
import { Instance } from './instance.ts';
import { SyncGroup } from './sync-group.ts';
import type { SyncGroupConfig, TaggedAction } from './sync-group.ts';

export type { SyncGroupConfig, TaggedAction } from './sync-group.ts';

const routeKey = (ifname: string, family: Family, vrid: number): string => `${ifname}/${family}/${vrid}`;

export class Router {
  readonly #list: readonly Instance[];
  readonly #byName = new Map<string, Instance>();
  readonly #byRoute = new Map<string, Instance>();
  readonly #groupOf = new Map<Instance, SyncGroup>();
  #batchDepth = 0;

  constructor(instances: readonly InstanceConfig[], groups: readonly SyncGroupConfig[]) {
    this.#list = instances.map((c) => new Instance(c));
    for (const inst of this.#list) {
      const c = inst.config;
      assert(!this.#byName.has(c.name), `duplicate instance name ${c.name}`);
      this.#byName.set(c.name, inst);
      const key = routeKey(c.ifname, c.family, c.vrid);
      assert(!this.#byRoute.has(key), `${c.name}: VRID ${c.vrid} already used on ${c.ifname} (IPv${c.family})`);
      this.#byRoute.set(key, inst);
    }
    for (const g of groups) {
      const members = g.members.map((n) => {
        const m = this.#byName.get(n);
        assert(m !== undefined, `sync group ${g.name}: unknown instance ${n}`);
        assert(!this.#groupOf.has(m), `instance ${n} is in two sync groups`);
        return m;
      });
      const group = new SyncGroup(g.name, members);
      for (const m of members) {
        this.#groupOf.set(m, group);
        m.setSyncGate(group);
      }
    }
  }

  instance(name: string): Instance | undefined {
    return this.#byName.get(name);
  }

  instances(): readonly Instance[] {
    return this.#list;
  }

  /** `resume(name)`: the state a reload carries over for that instance, if any. */
  /** Every member of a sync group starts from the group's state, computed before any starts. */
  start(now: Millis, resume?: (name: string) => Resume | undefined): TaggedAction[] {
    const out: TaggedAction[] = [];
    const groupStart = new Map([...new Set(this.#groupOf.values())].map((g) => [g, g.startState()]));
    for (const inst of this.#list) {
      const r = resume?.(inst.config.name);
      const g = this.#groupOf.get(inst);
      const event: InstanceEvent = {
        type: 'start',
        ...(r === undefined ? {} : { resume: r }),
        ...(g === undefined ? {} : { group: groupStart.get(g)! }),
      };
      for (const t of this.#run(inst, event, now)) out.push(t);
    }
    return out;
  }

  /** Shutdown of some instances only (a reload stops those that do not carry on). */
  shutdownSome(now: Millis, which: (name: string) => boolean): TaggedAction[] {
    return this.#each(this.#list.filter((i) => which(i.config.name)), { type: 'shutdown' }, now);
  }

  receive(ifname: string, family: Family, advert: Advert, src: string, now: Millis): TaggedAction[] {
    const inst = this.#byRoute.get(routeKey(ifname, family, advert.vrid));
    if (inst === undefined) return [{ instance: '', action: { type: 'drop', reason: 'unknownVrid', src } }];
    return this.#run(inst, { type: 'advert', advert, src }, now);
  }

  /**
   * Read first, then decide, for a batch: while `read` runs (the edge hands
   * over every datagram its sockets hold, one `receive` each), no event fires
   * an expired timer; only `timeout` does, which the edge calls after the
   * batch. keepalived reads while the socket is readable, then acts on
   * timeouts: after a stall the first advert queued may be a lower one
   * (discarded), with the master's adverts behind it. Nestable.
   */
  readBatch<T>(read: () => T): T {
    if (this.#batchDepth++ === 0) for (const i of this.#list) i.holdTimers(true);
    try {
      return read();
    } finally {
      if (--this.#batchDepth === 0) for (const i of this.#list) i.holdTimers(false);
    }
  }

  /** Safe to call spuriously: only instances with an expired deadline are touched. */
  timeout(now: Millis): TaggedAction[] {
    const due = this.#list.filter((i) => {
      const d = i.nextDeadline();
      return d !== null && d <= now;
    });
    return this.#each(due, { type: 'timeout' }, now);
  }

  tracker(id: string, up: boolean, now: Millis): TaggedAction[] {
    const users = this.#list.filter((i) => i.config.trackers.some((t) => t.id === id));
    return this.#each(users, { type: 'tracker', id, up }, now);
  }

  trackerValue(id: string, value: number, now: Millis): TaggedAction[] {
    const users = this.#list.filter((i) => i.config.trackers.some((t) => t.id === id));
    return this.#each(users, { type: 'trackerValue', id, value }, now);
  }

  interface(ifname: string, up: boolean, now: Millis): TaggedAction[] {
    return this.#each(this.#list.filter((i) => i.config.ifname === ifname), { type: 'interface', up }, now);
  }

  /** One instance's advert source address changed. */
  address(name: string, primary: string, now: Millis): TaggedAction[] {
    const inst = this.#byName.get(name);
    return inst ? this.#run(inst, { type: 'address', primary }, now) : [];
  }

  shutdown(now: Millis): TaggedAction[] {
    return this.#each(this.#list, { type: 'shutdown' }, now);
  }

  /** The earliest Master_Down deadline: a takeover, where a millisecond matters. */
  nextTakeoverDeadline(): Millis | null {
    let min: Millis | null = null;
    for (const i of this.#list) {
      const d = i.deadline('masterDown');
      if (d !== null && (min === null || d < min)) min = d;
    }
    return min;
  }

  nextDeadline(): Millis | null {
    let min: Millis | null = null;
    for (const i of this.#list) {
      const d = i.nextDeadline();
      if (d !== null && (min === null || d < min)) min = d;
    }
    return min;
  }

  #each(targets: readonly Instance[], event: InstanceEvent, now: Millis): TaggedAction[] {
    const out: TaggedAction[] = [];
    for (const inst of targets) for (const t of this.#run(inst, event, now)) out.push(t);
    return out;
  }

  /** One instance's event, then its sync group's reaction to any transition it made. */
  #run(inst: Instance, event: InstanceEvent, now: Millis): TaggedAction[] {
    const name = inst.config.name;
    const secondMasters = inst.secondMastersSeen;
    const actions: Action[] = inst.handle(event, now);
    const out: TaggedAction[] = [];
    const group = this.#groupOf.get(inst);
    for (const action of actions) {
      out.push({ instance: name, action });
      if (group !== undefined && action.type === 'transition') for (const t of group.react(inst, action, now)) out.push(t);
    }
    if (group !== undefined && inst.secondMastersSeen !== secondMasters) for (const t of group.reannounce(inst, now)) out.push(t);
    return out;
  }
}
