// VIPs and eVIPs on links, with keepalived's options, idempotent both ways:
// adding an address that is there and removing one that is not both succeed,
// because after a crash, a restart or a hand edit that is the state we want.
// The watcher reports our VIPs vanishing behind our back (RTM_DELADDR); the
// daemon decides whether to restore them (keepalived: unless no_track).
import type { Family } from '../base/ip.ts';
import { canonicalIp, parseIpv4, formatIpv4 } from '../base/ip.ts';
import { TypedEmitter } from './emitter.ts';
import { isNetlinkError, NetlinkError, type AddressInfo, type AddressRequest, type Rtnl, type RtnlEvents } from './netlink.ts';

/** One address as keepalived's virtual_ipaddress line gives it (a subset of the config's VirtualAddress). */
export interface VipSpec {
  readonly address: string;
  readonly family: Family;
  readonly prefixLength: number;
  readonly dev: string;
  readonly broadcast?: string | null; // an address, or '+' / '-' to compute it (IPv4)
  readonly scope?: string | null; // global, site, link, host, nowhere, or a number
  readonly label?: string | null;
  readonly peer?: string | null;
  /** keepalived's `-nodad`: let the kernel run DAD. By default IPv6 VIPs get IFA_F_NODAD. */
  readonly noDad?: boolean;
  readonly noPrefixRoute?: boolean;
  readonly home?: boolean; // IFA_F_HOMEADDRESS (IPv6 mobility)
  readonly mngTmpAddr?: boolean; // IFA_F_MANAGETEMPADDR (IPv6 privacy addresses from this prefix)
  readonly autoJoin?: boolean; // IFA_F_MCAUTOJOIN (join a multicast address's group)
  /** Seconds; null: keepalived's default (0, i.e. deprecated, for an IPv6 /128; otherwise forever). */
  readonly preferredLft?: number | 'forever' | null;
}

const SCOPES: Record<string, number> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };

export function scopeNumber(scope: string | null | undefined): number {
  if (scope === null || scope === undefined) return 0;
  const n = SCOPES[scope] ?? (/^\d+$/.test(scope) ? Number(scope) : NaN);
  if (!(n >= 0 && n <= 255)) throw new NetlinkError('EINVAL', 'parse', `invalid scope ${scope}`);
  return n;
}

/** keepalived's `brd +` / `brd -`: the prefix's all-ones / all-zeros host part (IPv4, prefix <= 30). */
export function broadcastFor(spec: VipSpec): string | undefined {
  const b = spec.broadcast ?? null;
  if (b === null || spec.family === 6) return undefined;
  if (b !== '+' && b !== '-') return canonicalIp(b) ?? b;
  if (spec.prefixLength > 30) return undefined;
  const base = parseIpv4(spec.peer ?? spec.address)!;
  const host = spec.prefixLength === 0 ? 0xffffffff : (0xffffffff >>> spec.prefixLength);
  const word = ((base[0]! << 24) | (base[1]! << 16) | (base[2]! << 8) | base[3]!) >>> 0;
  const out = b === '+' ? (word | host) >>> 0 : (word & ~host) >>> 0;
  return formatIpv4(new Uint8Array([out >>> 24, (out >>> 16) & 255, (out >>> 8) & 255, out & 255]));
}

function preferredLftS(spec: VipSpec): number | undefined {
  const p = spec.preferredLft ?? null;
  if (p === 'forever') return undefined;
  if (p !== null) return p;
  return spec.family === 6 && spec.prefixLength === 128 ? 0 : undefined;
}

/** The netlink request for a VIP on the link with this index (pure). */
export function toAddressRequest(spec: VipSpec, index: number): AddressRequest {
  const v6 = spec.family === 6;
  return {
    family: spec.family,
    address: spec.address,
    prefixLen: spec.prefixLength,
    index,
    label: v6 ? undefined : spec.label ?? undefined, // IPv6 has no labels
    broadcast: broadcastFor(spec),
    peer: spec.peer ?? undefined,
    scope: v6 ? 0 : scopeNumber(spec.scope),
    flags: {
      nodad: v6 && !spec.noDad, noprefixroute: !!spec.noPrefixRoute, homeaddress: v6 && !!spec.home,
      managetempaddr: v6 && !!spec.mngTmpAddr, mcautojoin: !!spec.autoJoin,
    },
    preferredLftS: preferredLftS(spec),
  };
}

async function indexOf(nl: Rtnl, dev: string): Promise<number | null> {
  return (await nl.link(dev))?.index ?? null;
}

/** Adds a VIP; an address already there is success ('present'). ENODEV if the link does not exist. */
export async function addVip(nl: Rtnl, spec: VipSpec, index?: number): Promise<'added' | 'present'> {
  const ix = index ?? (await indexOf(nl, spec.dev));
  if (ix === null) throw new NetlinkError('ENODEV', 'RTM_NEWADDR', `add ${spec.address}: no interface ${spec.dev}`);
  try {
    await nl.addAddress(toAddressRequest(spec, ix));
    return 'added';
  } catch (e) {
    if (isNetlinkError(e, 'EEXIST')) return 'present';
    throw e;
  }
}

/** Removes a VIP; an address (or link) that is not there is success ('absent'). */
export async function removeVip(nl: Rtnl, spec: VipSpec, index?: number): Promise<'removed' | 'absent'> {
  const ix = index ?? (await indexOf(nl, spec.dev));
  if (ix === null) return 'absent';
  try {
    await nl.deleteAddress(toAddressRequest(spec, ix));
    return 'removed';
  } catch (e) {
    if (isNetlinkError(e, 'EADDRNOTAVAIL', 'ENODEV', 'ENOENT')) return 'absent';
    throw e;
  }
}

/** The addresses on one link (by name), every family unless one is given. */
export async function listAddresses(nl: Rtnl, dev: string, family?: Family): Promise<AddressInfo[]> {
  const ix = await indexOf(nl, dev);
  if (ix === null) throw new NetlinkError('ENODEV', 'RTM_GETADDR', `no interface ${dev}`);
  return nl.addresses(family === undefined ? { index: ix } : { index: ix, family });
}

const keyOf = (family: Family, address: string, prefixLen: number, index: number): string =>
  `${family}|${canonicalIp(address) ?? address}|${prefixLen}|${index}`;

/** Start-up cleanup: removes those of `specs` that a crashed previous run left on the links. */
export async function cleanupStaleVips(nl: Rtnl, specs: readonly VipSpec[]): Promise<VipSpec[]> {
  const present = new Set((await nl.addresses()).map((a) => keyOf(a.family, a.address, a.prefixLen, a.index)));
  const links = new Map((await nl.links()).map((l) => [l.name, l.index]));
  const removed: VipSpec[] = [];
  for (const spec of specs) {
    const ix = links.get(spec.dev);
    if (ix === undefined || !present.has(keyOf(spec.family, spec.address, spec.prefixLength, ix))) continue;
    if ((await removeVip(nl, spec, ix)) === 'removed') removed.push(spec);
  }
  return removed;
}

export type VipWatcherEvents = {
  /** One of our VIPs disappeared and we did not remove it. */
  removed: [VipSpec, number];
};

/**
 * Watches RTM_DELADDR for the VIPs we hold. Untrack a VIP *before* removing
 * it on purpose, or its removal is reported too. After a notification
 * overrun (ENOBUFS) it re-reads the addresses and reports whatever is gone.
 */
export class VipWatcher extends TypedEmitter<VipWatcherEvents> {
  readonly #tracked = new Map<string, { spec: VipSpec; index: number }>();
  readonly #nl: Rtnl;
  readonly #events: RtnlEvents;
  readonly #onAddress = (ev: { op: 'new' | 'del'; addr: AddressInfo }): void => {
    if (ev.op !== 'del') return;
    const k = keyOf(ev.addr.family, ev.addr.address, ev.addr.prefixLen, ev.addr.index);
    const t = this.#tracked.get(k);
    if (t) this.emit('removed', t.spec, t.index);
  };
  readonly #onOverrun = (): void => { this.resync().catch(() => { /* the next overrun retries; never an unhandled rejection */ }); };

  constructor(nl: Rtnl, events: RtnlEvents) {
    super();
    this.#nl = nl;
    this.#events = events;
    events.on('address', this.#onAddress);
    events.on('overrun', this.#onOverrun);
  }

  track(spec: VipSpec, index: number): void {
    this.#tracked.set(keyOf(spec.family, spec.address, spec.prefixLength, index), { spec, index });
  }

  untrack(spec: VipSpec, index: number): void {
    this.#tracked.delete(keyOf(spec.family, spec.address, spec.prefixLength, index));
  }

  get size(): number { return this.#tracked.size; }

  /** Reports every tracked VIP that is not on its link any more. */
  async resync(): Promise<void> {
    const present = new Set((await this.#nl.addresses()).map((a) => keyOf(a.family, a.address, a.prefixLen, a.index)));
    for (const [k, t] of this.#tracked) if (!present.has(k)) this.emit('removed', t.spec, t.index);
  }

  close(): void {
    this.#events.off('address', this.#onAddress);
    this.#events.off('overrun', this.#onOverrun);
    this.#tracked.clear();
  }
}
