// Deliberately broken cores for the checker's self-tests: the production
// Router, subclassed or built from configs the checker never sees, so that
// one rule is broken while every other invariant still holds. Install one on
// a node with `breakNode` before the node starts.
import { millis, type Millis } from '../../src/base/units.ts';
import type { Family } from '../../src/base/ip.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import { Router, type SyncGroupConfig, type TaggedAction } from '../../src/vrrp/router.ts';
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import type { SimNode } from './node.ts';

type RouterFactory = (configs: readonly InstanceConfig[], groups: readonly SyncGroupConfig[]) => Router;

export function breakNode(node: SimNode, make: RouterFactory): void {
  node.makeRouter = make;
}

/**
 * A daemon whose one timer wakes lateMs after the core's next deadline: every
 * takeover comes lateMs late. The core itself is right, so the step checks
 * (timer slots, Master_Down within bounds) all pass; only timing can tell.
 */
export class WakesLateRouter extends Router {
  readonly #lateMs: number;

  constructor(configs: readonly InstanceConfig[], groups: readonly SyncGroupConfig[], lateMs: number) {
    super(configs, groups);
    this.#lateMs = lateMs;
  }

  override nextDeadline(): Millis | null {
    const d = super.nextDeadline();
    return d === null ? null : millis(d + this.#lateMs);
  }
}

/** A core that never hears priority 0: after a graceful stop it waits out Master_Down_Interval. */
export class DeafToPriorityZeroRouter extends Router {
  override receive(ifname: string, family: Family, advert: Advert, src: string, now: Millis): TaggedAction[] {
    if (advert.priority === 0) return [];
    return super.receive(ifname, family, advert, src, now);
  }
}

/** A core that counts Master_Down_Interval over `adverts` intervals instead of the configured 3. */
export const masterDownOver = (adverts: number): RouterFactory => (configs, groups) =>
  new Router(configs.map((c) => ({ ...c, downTimerAdverts: adverts })), groups);

/** A core that ignores its sync groups: members move on their own timers and adverts. */
export const withoutSyncGroups: RouterFactory = (configs) => new Router(configs, []);

/**
 * A core whose adverts stop reaching the wire once `mute` is set (a MASTER
 * that keeps its VIPs and its advert timer but whose sends are lost inside
 * the daemon). Every step check still passes; only the settle check sees the
 * second master that appears when a backup stops hearing it.
 */
export class MuteRouter extends Router {
  mute = false;

  override receive(ifname: string, family: Family, advert: Advert, src: string, now: Millis): TaggedAction[] {
    return this.#filter(super.receive(ifname, family, advert, src, now));
  }

  override timeout(now: Millis): TaggedAction[] {
    return this.#filter(super.timeout(now));
  }

  #filter(actions: TaggedAction[]): TaggedAction[] {
    return this.mute ? actions.filter((a) => a.action.type !== 'send') : actions;
  }
}

/**
 * A core that misreads the Max Adver Int of every v3 advert it receives by
 * `factor` (a wrong unit or shift in the receive path): it learns a wrong
 * Master_Adver_Interval and times the master by it. Its own state is
 * consistent with what it learned, so a check that asks the core what it
 * learned cannot see it; the adverts the world delivered can.
 */
export const misreadsInterval = (factor: number): RouterFactory => (configs, groups) =>
  new (class extends Router {
    override receive(ifname: string, family: Family, advert: Advert, src: string, now: Millis): TaggedAction[] {
      const misread = advert.version === 3 ? { ...advert, advertIntervalCs: Math.max(1, Math.round(advert.advertIntervalCs * factor)) as Advert['advertIntervalCs'] } : advert;
      return super.receive(ifname, family, misread, src, now);
    }
  })(configs, groups);

/** A core that does not treat priority 255 as the address owner (it runs the owner at 254). */
export const ownerAt254: RouterFactory = (configs, groups) =>
  new Router(configs.map((c) => (c.priority === 255 ? { ...c, priority: 254 } : c)), groups);

/**
 * A core that acts on its expired timers before the advert it is handed
 * (core bug 3's shape, kept as a mutant once the core reads first): after a
 * stall, a backup takes over on a stale deadline although the master's
 * adverts were waiting in its socket.
 */
export class TimersFirstRouter extends Router {
  override receive(ifname: string, family: Family, advert: Advert, src: string, now: Millis): TaggedAction[] {
    return [...super.timeout(now), ...super.receive(ifname, family, advert, src, now)];
  }
}

/**
 * A core that applies each advert before its expired timers but does not
 * hold them over a batch (bug 3's residual, the first fix of it): after a
 * stall, a discarded lower advert leading the queue fires the stale
 * takeover before the master's adverts behind it are read.
 */
export class UnheldBatchRouter extends Router {
  override readBatch<T>(read: () => T): T {
    return read();
  }
}
