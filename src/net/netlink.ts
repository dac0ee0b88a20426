// The one place that touches the `netlink` package (pinned at exactly 0.3.0).
// Everything else in src/net sees plain typed values (LinkInfo, AddressInfo,
// RouteRequest ...) and VipkeeperError-shaped failures, never the package's
// Buffers, string-or-number enums or bare `Error('Request rejected: EEXIST')`.
// Quirks handled here (measured, see shared/DEPENDENCIES.md):
// - the link index is `msg.data.index`; enums parse to names when known;
// - multicast events do not say NEW or DEL, so we read the raw message type;
// - new objects need NLM_F_CREATE (and EXCL when we want EEXIST);
// - errors carry no errno: we parse the name out of the message;
// - IFLA_LINKINFO / IFLA_LINK / IFLA_AF_SPEC are raw, so we encode rtattrs here.
import { constants as osConstants } from 'node:os';
import nlPkg from 'netlink';
import type { RtNetlinkSocket, rt as RtTypes } from 'netlink';
import { VipkeeperError } from '../base/errors.ts';
import { formatIp, parseIp, type Family } from '../base/ip.ts';
import { TypedEmitter } from './emitter.ts';
import type { LinkInfo, AddressFlagSet, AddressInfo, AddressRequest, LinkEvent, AddressEvent, RouteRequest, RuleRequest, LinkRequest } from './netlink-types.ts';
export type { LinkInfo, AddressFlagSet, AddressInfo, AddressRequest, LinkEvent, AddressEvent, RouteRequest, RuleRequest, LinkRequest } from './netlink-types.ts';
import { decodeAttrs, encodeAttrs, macText, parseMac, u32 } from './rtattr.ts';

const { createRtNetlink, rt, FlagsNew } = nlPkg;
const AF_INET = 2;
export const AF_INET6 = 10;
const AF_BRIDGE = 7;

// ---------------------------------------------------------------- errors

/** A failed rtnetlink request: `errnoCode` is the kernel's answer ('EEXIST', 'ENODEV', 'ETIMEDOUT' ...). */
export class NetlinkError extends VipkeeperError {
  readonly errnoCode: string;
  constructor(errnoCode: string, syscall: string, message: string, cause?: unknown) {
    const n = (osConstants.errno as Record<string, number>)[errnoCode];
    // Node's shape for system errors: negative errno, as in fs and net errors.
    super('VIPKEEPER_ERR_NETLINK', `${syscall} ${errnoCode}: ${message}`, { syscall, cause, ...(n === undefined ? {} : { errno: -n }) });
    this.name = 'NetlinkError';
    this.errnoCode = errnoCode;
  }
}

export function isNetlinkError(e: unknown, ...codes: string[]): e is NetlinkError {
  return e instanceof NetlinkError && (codes.length === 0 || codes.includes(e.errnoCode));
}

/** Maps whatever the package threw (or a native ErrnoException) to a NetlinkError. */
export function mapError(e: unknown, syscall: string, what: string): NetlinkError {
  if (e instanceof NetlinkError) return e;
  const err = e as { message?: string; code?: unknown };
  const msg = String(err?.message ?? e);
  const rejected = /^Request rejected: (\w+)/.exec(msg);
  if (rejected) return new NetlinkError(rejected[1]!, syscall, what, e);
  if (/Timeout has been reached/.test(msg)) return new NetlinkError('ETIMEDOUT', syscall, `${what}: no answer from the kernel`, e);
  if (typeof err?.code === 'string') return new NetlinkError(err.code, syscall, `${what}: ${msg}`, e);
  return new NetlinkError('EIO', syscall, `${what}: ${msg}`, e);
}

// ------------------------------------------------------------ values <-> package structs

const INFINITY_LIFE = 0xffffffff;

function ipBytes(text: string, family: Family): Buffer {
  const p = parseIp(text);
  if (!p || p.family !== family) throw new NetlinkError('EINVAL', 'parse', `not an IPv${family} address: ${text}`);
  return Buffer.from(p.bytes);
}

const familyOf = (af: number | undefined): Family => (af === AF_INET6 ? 6 : 4);
export const afOf = (family: Family): number => (family === 6 ? AF_INET6 : AF_INET);
function macBytes(text: string): Buffer {
  const b = parseMac(text);
  if (!b) throw new NetlinkError('EINVAL', 'parse', `not a MAC address: ${text}`);
  return b;
}

function toLinkInfo(m: RtTypes.LinkMessage): LinkInfo {
  const a = m.attrs;
  const info = a.linkinfo ? decodeAttrs(a.linkinfo) : null;
  const kind = info?.get(1) ? info.get(1)!.toString('latin1').replace(/\0+$/, '') : null; // IFLA_INFO_KIND
  const data = info?.get(2); // IFLA_INFO_DATA
  const mode = kind === 'macvlan' && data ? decodeAttrs(data).get(1) : undefined; // IFLA_MACVLAN_MODE
  return {
    index: m.data.index ?? 0,
    name: a.ifname ?? '',
    mac: macText(a.address),
    mtu: a.mtu ?? 0,
    adminUp: m.data.flags?.up === true,
    operUp: m.data.flags?.running === true,
    kind,
    parentIndex: a.link && a.link.length >= 4 ? a.link.readUInt32LE(0) : null,
    macvlanMode: mode && mode.length >= 4 ? mode.readUInt32LE(0) : null,
    group: a.group ?? 0,
  };
}

function toAddressInfo(m: RtTypes.AddressMessage): AddressInfo {
  const family = familyOf(m.data.family);
  const local = m.attrs.local ?? m.attrs.address;
  const peer = m.attrs.local && m.attrs.address && !m.attrs.local.equals(m.attrs.address) ? formatIp(m.attrs.address) : null;
  const f = { ...m.data.flags, ...m.attrs.flags };
  const preferred = m.attrs.cacheInfo?.ifaPrefered;
  return {
    family,
    address: local ? formatIp(local) : '',
    prefixLen: m.data.prefixlen ?? 0,
    index: m.data.index ?? 0,
    label: m.attrs.label ?? null,
    broadcast: m.attrs.broadcast ? formatIp(m.attrs.broadcast) : null,
    peer,
    scope: m.data.scope ?? 0,
    flags: {
      nodad: !!f.nodad, noprefixroute: !!f.noprefixroute, homeaddress: !!f.homeaddress, secondary: !!f.secondary,
      deprecated: !!f.deprecated, tentative: !!f.tentative, dadfailed: !!f.dadfailed, permanent: !!f.permanent,
      managetempaddr: !!f.managetempaddr, mcautojoin: !!f.mcautojoin,
    },
    preferredLftS: preferred === undefined || preferred === INFINITY_LIFE ? null : preferred,
  };
}

function addressMessage(req: AddressRequest, forAdd: boolean): [RtTypes.Address, RtTypes.AddressAttrs] {
  const local = ipBytes(req.address, req.family);
  const attrs: RtTypes.AddressAttrs = { local, address: req.peer ? ipBytes(req.peer, req.family) : local };
  if (forAdd) {
    if (req.label !== undefined) attrs.label = req.label;
    if (req.broadcast !== undefined) attrs.broadcast = ipBytes(req.broadcast, req.family);
    const flags = Object.fromEntries(Object.entries(req.flags ?? {}).filter(([, v]) => v === true)) as RtTypes.AddressFlags;
    if (Object.keys(flags).length) attrs.flags = flags; // IFA_FLAGS (u32) carries the flags above 0x80, e.g. noprefixroute
    if (req.preferredLftS !== undefined) attrs.cacheInfo = { ifaPrefered: req.preferredLftS, ifaValid: INFINITY_LIFE, cstamp: 0, tstamp: 0 };
  }
  return [{ family: afOf(req.family), prefixlen: req.prefixLen, index: req.index, scope: req.scope ?? 0 }, attrs];
}

// ------------------------------------------------------------ routes, rules

function routeMessage(r: RouteRequest, forAdd: boolean): [RtTypes.Route, RtTypes.RouteAttrs] {
  const table = r.table ?? 254;
  const attrs: RtTypes.RouteAttrs = { table };
  if (r.dst !== null) attrs.dst = ipBytes(r.dst, r.family);
  if (r.gateway) attrs.gateway = ipBytes(r.gateway, r.family);
  if (r.oif !== undefined) attrs.oif = r.oif;
  if (r.prefsrc) attrs.prefsrc = ipBytes(r.prefsrc, r.family);
  if (r.metric !== undefined) attrs.priority = r.metric;
  const type = r.type ?? 1;
  // On delete, scope NOWHERE (255) means "any scope", as `ip route del` does.
  const scope = r.scope ?? (forAdd ? (type === 1 && !r.gateway ? 253 : 0) : 255);
  const data: RtTypes.Route = {
    family: afOf(r.family), dstLen: r.dstLen, srcLen: 0, tos: 0,
    table: table < 256 ? table : 252, protocol: r.protocol ?? (forAdd ? 3 : 0), scope, type,
  };
  return [data, attrs];
}

function ruleMessage(r: RuleRequest): [RtTypes.Rule, RtTypes.RuleAttrs] {
  const attrs: RtTypes.RuleAttrs = {};
  if (r.src) attrs.src = ipBytes(r.src, r.family);
  if (r.dst) attrs.dst = ipBytes(r.dst, r.family);
  if (r.table !== undefined) attrs.table = r.table;
  if (r.priority !== undefined) attrs.priority = r.priority;
  if (r.iifname) attrs.iifname = r.iifname;
  if (r.oifname) attrs.oifname = r.oifname;
  if (r.fwmark !== undefined) attrs.fwmark = r.fwmark;
  if (r.fwmask !== undefined) attrs.fwmask = r.fwmask;
  if (r.protocol !== undefined) attrs.protocol = r.protocol;
  const full = r.family === 6 ? 128 : 32;
  const table = r.table ?? 0;
  const data: RtTypes.Rule = {
    family: afOf(r.family), srcLen: r.src ? r.srcLen ?? full : 0, dstLen: r.dst ? r.dstLen ?? full : 0, tos: r.tos ?? 0,
    table: table < 256 ? table : 252, action: r.action ?? 1, flags: r.invert ? { invert: true } : {},
  };
  return [data, attrs];
}

// ------------------------------------------------------------ the request socket

function linkMessage(req: LinkRequest): [RtTypes.Link, Record<string, unknown>] {
  const attrs: Record<string, unknown> = {};
  if (req.name !== undefined) attrs.ifname = req.name;
  if (req.parentIndex !== undefined) attrs.link = u32(req.parentIndex);
  if (req.kind !== undefined) {
    const info: [number, Uint8Array][] = [[1, Buffer.from(`${req.kind}\0`, 'latin1')]];
    if (req.infoData) info.push([2, req.infoData]);
    attrs.linkinfo = encodeAttrs(info);
  }
  if (req.mac !== undefined) attrs.address = macBytes(req.mac);
  if (req.group !== undefined) attrs.group = req.group;
  if (req.afSpec) attrs.afSpec = new Map(req.afSpec);
  const data: RtTypes.Link = { index: req.index ?? 0 };
  if (req.up !== undefined) { data.flags = req.up ? { up: true } : {}; data.change = { up: true }; }
  return [data, attrs];
}

export interface RtnlOptions { readonly requestTimeoutMs?: number }

/** Requests to the kernel over one rtnetlink socket; every failure is a NetlinkError. */
export class Rtnl {
  readonly #sock: RtNetlinkSocket;
  readonly #timeoutMs: number;
  #gate: Promise<void> = Promise.resolve(); // settles when the last exclusive request has
  readonly #active = new Set<Promise<void>>(); // concurrent requests in flight

  private constructor(sock: RtNetlinkSocket, timeoutMs: number) {
    this.#sock = sock;
    this.#timeoutMs = timeoutMs;
  }

  static open(opts: RtnlOptions = {}): Rtnl {
    try {
      // recv/sendBufferSize are listed because the package's typings require them (a typings bug).
      const sock = createRtNetlink({ ref: false, recvBufferSize: 1 << 20, sendBufferSize: 1 << 18 });
      sock.socket.on('error', () => { /* send errors also reach the request's promise */ });
      return new Rtnl(sock, opts.requestTimeoutMs ?? 2000);
    } catch (e) {
      throw mapError(e, 'socket', 'cannot open an rtnetlink socket');
    }
  }

  close(): void { this.#sock.socket.close(); }

  async #call<T>(syscall: string, what: string, flags: number, run: (o: { timeout: number; flags: number }) => Promise<T>): Promise<T> {
    try {
      return await this.#schedule(syscall.startsWith('RTM_GET'), () => run({ timeout: this.#timeoutMs, flags }));
    } catch (e) {
      throw mapError(e, syscall, what);
    }
  }

  /**
   * The package keeps one multipart reassembly slot per socket, so a dump's
   * parts must not interleave with any other reply ("Multipart message not
   * terminated properly"). Dumps and single-object gets therefore run alone;
   * changes run concurrently with each other.
   */
  #schedule<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    if (!exclusive) {
      const p = this.#gate.then(fn);
      const settled = p.then(() => {}, () => {});
      this.#active.add(settled);
      void settled.then(() => this.#active.delete(settled));
      return p;
    }
    const before = [...this.#active];
    const p = this.#gate.then(() => Promise.all(before)).then(fn);
    this.#gate = p.then(() => {}, () => {});
    return p;
  }

  async links(): Promise<LinkInfo[]> {
    const msgs = await this.#call('RTM_GETLINK', 'dump links', 0, (o) => this.#sock.getLinks(undefined, undefined, o));
    return msgs.map(toLinkInfo);
  }

  /** One link by index or name, or null when there is none. */
  async link(which: number | string): Promise<LinkInfo | null> {
    const [data, attrs] = typeof which === 'number' ? [{ index: which }, {}] : [{}, { ifname: which }];
    try {
      const msgs = await this.#call('RTM_GETLINK', `link ${which}`, 0, (o) => this.#sock.getLink(data, attrs, o));
      return msgs[0] ? toLinkInfo(msgs[0]) : null;
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) return null;
      throw e;
    }
  }

  async addresses(filter: { family?: Family; index?: number } = {}): Promise<AddressInfo[]> {
    const data = filter.family ? { family: afOf(filter.family) } : {};
    const msgs = await this.#call('RTM_GETADDR', 'dump addresses', 0, (o) => this.#sock.getAddresses(data, undefined, o));
    const all = msgs.map(toAddressInfo);
    return filter.index === undefined ? all : all.filter((a) => a.index === filter.index);
  }

  /** Adds an address; rejects with EEXIST if it is there (unless replace). */
  addAddress(req: AddressRequest, replace = false): Promise<void> {
    const [data, attrs] = addressMessage(req, true);
    const flags = FlagsNew.CREATE | (replace ? FlagsNew.REPLACE : FlagsNew.EXCL);
    return this.#call('RTM_NEWADDR', `add ${req.address}/${req.prefixLen} on ${req.index}`, flags, async (o) => { await this.#sock.newAddress(data, attrs, o); });
  }

  deleteAddress(req: AddressRequest): Promise<void> {
    const [data, attrs] = addressMessage(req, false);
    return this.#call('RTM_DELADDR', `delete ${req.address}/${req.prefixLen} on ${req.index}`, 0, async (o) => { await this.#sock.delAddress(data, attrs, o); });
  }

  /** Creates a link (no index: CREATE|EXCL) or changes one (index given). */
  setLink(req: LinkRequest): Promise<void> {
    const [data, attrs] = linkMessage(req);
    const flags = req.index === undefined ? FlagsNew.CREATE | FlagsNew.EXCL : 0;
    const what = req.index === undefined ? `create link ${req.name ?? ''}` : `change link ${req.index}`;
    return this.#call('RTM_NEWLINK', what, flags, async (o) => { await this.#sock.newLink(data, attrs as never, o); });
  }

  deleteLink(index: number): Promise<void> {
    return this.#call('RTM_DELLINK', `delete link ${index}`, 0, async (o) => { await this.#sock.delLink({ index }, undefined, o); });
  }

  addRoute(r: RouteRequest): Promise<void> {
    const [data, attrs] = routeMessage(r, true);
    const flags = FlagsNew.CREATE | FlagsNew.EXCL;
    const nhFlags = r.onlink ? 4 : 0; // RTNH_F_ONLINK lives in rtm_flags
    if (nhFlags) data.flags = { __unknown: nhFlags } as RtTypes.RouteFlags;
    return this.#call('RTM_NEWROUTE', `add route ${r.dst ?? 'default'}/${r.dstLen}`, flags, async (o) => { await this.#sock.newRoute(data, attrs, o); });
  }

  deleteRoute(r: RouteRequest): Promise<void> {
    const [data, attrs] = routeMessage(r, false);
    return this.#call('RTM_DELROUTE', `delete route ${r.dst ?? 'default'}/${r.dstLen}`, 0, async (o) => { await this.#sock.delRoute(data, attrs, o); });
  }

  /** Adds a rule; EXCL matters: without it the kernel adds a duplicate rule. */
  addRule(r: RuleRequest): Promise<void> {
    const [data, attrs] = ruleMessage(r);
    return this.#call('RTM_NEWRULE', 'add rule', FlagsNew.CREATE | FlagsNew.EXCL, async (o) => { await this.#sock.newRule(data, attrs, o); });
  }

  deleteRule(r: RuleRequest): Promise<void> {
    const [data, attrs] = ruleMessage(r);
    return this.#call('RTM_DELRULE', 'delete rule', 0, async (o) => { await this.#sock.delRule(data, attrs, o); });
  }
}

// ------------------------------------------------------------ the event socket

export type RtnlGroup = 'link' | 'ipv4-ifaddr' | 'ipv6-ifaddr';
const GROUPS: Record<RtnlGroup, RtTypes.MulticastGroups> = {
  link: rt.MulticastGroups.LINK, 'ipv4-ifaddr': rt.MulticastGroups.IPV4_IFADDR, 'ipv6-ifaddr': rt.MulticastGroups.IPV6_IFADDR,
};

export type RtnlEventMap = {
  link: [LinkEvent];
  address: [AddressEvent];
  /** The kernel dropped notifications (ENOBUFS): the listener must re-read the state. */
  overrun: [];
  /** A receive error other than ENOBUFS; an overrun follows it. */
  error: [NetlinkError];
};

/** rtnetlink multicast notifications as typed events (RTMGRP_LINK, IPV4/IPV6_IFADDR). */
export class RtnlEvents extends TypedEmitter<RtnlEventMap> {
  readonly #sock: RtNetlinkSocket;

  private constructor(sock: RtNetlinkSocket) {
    super();
    this.#sock = sock;
    // The package parses events but drops NEW vs DEL; the raw layer still has the type.
    sock.socket.on('message', (msgs) => { for (const m of msgs) this.#onMessage(m.type, m.data); });
    sock.socket.on('error', (e) => {
      const err = mapError(e, 'recvmsg', 'rtnetlink events');
      // Never throw from here (a native callback): after any receive error the
      // safe reaction is the same as after an overrun, to re-read the state.
      if (err.errnoCode !== 'ENOBUFS') this.emit('error', err);
      this.emit('overrun');
    });
  }

  static open(groups: readonly RtnlGroup[] = ['link', 'ipv4-ifaddr', 'ipv6-ifaddr'], opts: { ref?: boolean } = {}): RtnlEvents {
    try {
      const sock = createRtNetlink({ ref: opts.ref ?? true, recvBufferSize: 4 << 20, sendBufferSize: 1 << 16 });
      for (const g of groups) sock.addMembership(GROUPS[g]);
      return new RtnlEvents(sock);
    } catch (e) {
      throw mapError(e, 'socket', 'cannot open an rtnetlink event socket');
    }
  }

  close(): void { this.#sock.socket.close(); }

  #onMessage(type: number, data: Buffer): void {
    const T = rt.MessageType;
    if (type !== T.NEWLINK && type !== T.DELLINK && type !== T.NEWADDR && type !== T.DELADDR) return;
    const op = type === T.NEWLINK || type === T.NEWADDR ? 'new' : 'del';
    let msg: RtTypes.Message;
    try { msg = rt.parseMessage(type, data); } catch { return; /* a malformed notification carries nothing we can act on */ }
    // AF_BRIDGE link notifications describe bridge ports with partial data; skip them.
    if (msg.kind === 'link' && msg.data.family !== AF_BRIDGE) this.emit('link', { op, link: toLinkInfo(msg) });
    else if (msg.kind === 'address') this.emit('address', { op, addr: toAddressInfo(msg) });
  }
}
