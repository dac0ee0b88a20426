// The links of this network namespace, kept current from rtnetlink
// notifications: index, name, MAC, MTU, admin and oper state, with events when
// a link comes up, goes down, appears or is removed. "Up" means what keepalived
// means: IFF_UP and IFF_RUNNING both set.
import { isIpv6LinkLocal } from '../base/ip.ts';
import { TypedEmitter } from './emitter.ts';
import type { LinkEvent, LinkInfo, Rtnl, RtnlEvents } from './netlink.ts';

export type LinkTableEvents = {
  added: [LinkInfo];
  removed: [LinkInfo];
  up: [LinkInfo];
  down: [LinkInfo];
  /** Anything else changed (MAC, MTU, name, flags that do not change "up"). */
  changed: [now: LinkInfo, before: LinkInfo];
};

export const isUp = (l: LinkInfo): boolean => l.adminUp && l.operUp;

/** What the daemon needs to know about an interface to send adverts from it. */
export interface LinkFacts {
  readonly index: number;
  readonly mac: string;
  readonly up: boolean;
  readonly primaryIpv4: string | null;
  readonly linkLocalIpv6: string | null;
}

export class LinkTable extends TypedEmitter<LinkTableEvents> {
  readonly #byIndex = new Map<number, LinkInfo>();
  readonly #nl: Rtnl;
  readonly #events: RtnlEvents;
  readonly #onLink = (ev: LinkEvent): void => this.#apply(ev);
  readonly #onOverrun = (): void => { this.refresh().catch(() => { /* the next event or overrun retries; never an unhandled rejection */ }); };

  private constructor(nl: Rtnl, events: RtnlEvents) {
    super();
    this.#nl = nl;
    this.#events = events;
  }

  /** Subscribes first, then dumps, so no change between the two is lost. */
  static async open(nl: Rtnl, events: RtnlEvents): Promise<LinkTable> {
    const t = new LinkTable(nl, events);
    events.on('link', t.#onLink);
    events.on('overrun', t.#onOverrun);
    await t.refresh();
    return t;
  }

  /**
   * Re-reads every link and reports the differences. A notification that
   * arrives while the dump is in flight is newer than the dump, so the dump
   * does not overwrite links the notifications touched meanwhile.
   */
  async refresh(): Promise<void> {
    const touched = new Set<number>();
    const mark = (ev: LinkEvent): void => { touched.add(ev.link.index); };
    this.#events.on('link', mark);
    try {
      const links = await this.#nl.links();
      const seen = new Set<number>();
      for (const l of links) {
        seen.add(l.index);
        if (!touched.has(l.index)) this.#apply({ op: 'new', link: l });
      }
      for (const [ix, l] of [...this.#byIndex]) if (!seen.has(ix) && !touched.has(ix)) this.#apply({ op: 'del', link: l });
    } finally {
      this.#events.off('link', mark);
    }
  }

  #apply(ev: LinkEvent): void {
    const before = this.#byIndex.get(ev.link.index);
    if (ev.op === 'del') {
      if (!before) return;
      this.#byIndex.delete(ev.link.index);
      this.emit('removed', before);
      return;
    }
    const now = ev.link;
    this.#byIndex.set(now.index, now);
    if (!before) { this.emit('added', now); return; }
    if (isUp(before) !== isUp(now)) this.emit(isUp(now) ? 'up' : 'down', now);
    else if (!sameLink(before, now)) this.emit('changed', now, before);
  }

  byIndex(index: number): LinkInfo | undefined { return this.#byIndex.get(index); }

  byName(name: string): LinkInfo | undefined {
    for (const l of this.#byIndex.values()) if (l.name === name) return l;
    return undefined;
  }

  all(): LinkInfo[] { return [...this.#byIndex.values()]; }

  /** The first non-secondary IPv4 address of a link: keepalived's default advert source. */
  async primaryIpv4(name: string): Promise<string | null> {
    const l = this.byName(name);
    if (!l) return null;
    const addrs = await this.#nl.addresses({ family: 4, index: l.index });
    return addrs.find((a) => !a.flags.secondary)?.address ?? null;
  }

  /** A usable (not tentative, not failed) IPv6 link-local address of a link: the VRRPv3 IPv6 source. */
  async ipv6LinkLocal(name: string): Promise<string | null> {
    const l = this.byName(name);
    if (!l) return null;
    const addrs = await this.#nl.addresses({ family: 6, index: l.index });
    return addrs.find((a) => isIpv6LinkLocal(a.address) && !a.flags.tentative && !a.flags.dadfailed)?.address ?? null;
  }

  async facts(name: string): Promise<LinkFacts | null> {
    const l = this.byName(name);
    if (!l) return null;
    const [primaryIpv4, linkLocalIpv6] = await Promise.all([this.primaryIpv4(name), this.ipv6LinkLocal(name)]);
    return { index: l.index, mac: l.mac ?? '00:00:00:00:00:00', up: isUp(l), primaryIpv4, linkLocalIpv6 };
  }

  close(): void {
    this.#events.off('link', this.#onLink);
    this.#events.off('overrun', this.#onOverrun);
  }
}

function sameLink(a: LinkInfo, b: LinkInfo): boolean {
  return a.name === b.name && a.mac === b.mac && a.mtu === b.mtu && a.adminUp === b.adminUp && a.operUp === b.operUp;
}
