// One raw VRRP socket per (interface, family), serving every instance on it.
// It joins the group on the interface, sends with TTL / hop limit 255 for
// multicast, and turns each received datagram into a `packet` event with
// what the core needs: src, dst, arrival ifindex, TTL and the VRRP bytes.
// The TTL check (RFC 9568 §7.1: 255 on multicast) happens here; a failing
// packet becomes a `drop` event and a counter, never an exception.
import type { Family } from '../base/ip.ts';
import type { DropReason } from '../vrrp/advert.ts';
import { TypedEmitter } from './emitter.ts';
import { loadNative, type NativeAddon, type NativeError, type NativeRawSocket } from './native.ts';
import { SocketError, toSocketError } from './socket-error.ts';

export const VRRP_GROUP_V4 = '224.0.0.18';
/** The IP protocols a VRRP socket listens on: VRRP, or IPsec AH (VRRPv2 with auth_type AH, IPv4 only). */
export type VrrpProtocol = 112 | 51;
export const VRRP_GROUP_V6 = 'ff02::12';
const TTL_MULTICAST = 255;

export interface VrrpSocketOptions {
  readonly family: Family;
  readonly ifname: string;
  readonly ifindex: number;
  /** Group to join (mcast_dst_ip); default 224.0.0.18 / ff02::12; null: unicast only, join nothing. */
  readonly group?: string | null;
  /** keepalived's min_ttl / max_ttl for unicast adverts; default 0..255 (no check, they may be routed). */
  readonly unicastTtlMin?: number;
  readonly unicastTtlMax?: number;
  /** 112 (default) or 51: AH-framed VRRPv2, sent as whole IPv4 datagrams (IP_HDRINCL). */
  readonly protocol?: VrrpProtocol;
  /**
   * Wraps every read of a batch of datagrams (a poll wake-up, a drain): the
   * daemon holds the core's timers over it (Router.readBatch), so that no
   * datagram read fires a timer that expired before the rest were read.
   */
  readonly batch?: (read: () => void) => void;
  /** For tests: another addon instance. */
  readonly native?: NativeAddon;
}

/** Datagrams read per poll wake-up (level-triggered: the rest wake it again), bounding the work per turn. */
const MAX_PER_WAKE = 64;

export interface VrrpPacket {
  readonly family: Family;
  readonly src: string; // canonical text, no zone
  readonly scopeId: number; // IPv6 link-local source's scope (ifindex); 0 otherwise
  readonly dst: string;
  readonly ifindex: number;
  readonly ttl: number; // IPv4 TTL or IPv6 hop limit as received
  readonly multicast: boolean;
  readonly protocol: VrrpProtocol;
  /** 112: the VRRP message, without any IP header. 51: the whole IPv4 datagram (the AH ICV covers the header). */
  readonly payload: Uint8Array;
}

export interface VrrpDrop {
  readonly reason: DropReason;
  readonly src: string;
  readonly detail: string;
}

export interface SendOptions {
  /** Destination; default the group. */
  readonly dst?: string;
  /** Source address (interface primary, mcast_src_ip or unicast_src_ip); '' lets the kernel choose. */
  readonly src: string;
  /** Default 255 (multicast must be 255; unicast_ttl otherwise). */
  readonly ttl?: number;
}

export interface VrrpSocketStats {
  received: number;
  sent: number;
  sendErrors: number;
  receiveErrors: number;
  otherInterface: number;
  drops: Partial<Record<DropReason, number>>;
}

export type VrrpSocketEvents = {
  packet: [VrrpPacket];
  drop: [VrrpDrop];
  receiveError: [SocketError];
  sendError: [SocketError];
};

export class VrrpSocket extends TypedEmitter<VrrpSocketEvents> {
  readonly family: Family;
  readonly ifname: string;
  readonly ifindex: number;
  readonly group: string | null;
  readonly protocol: VrrpProtocol;
  readonly stats: VrrpSocketStats = { received: 0, sent: 0, sendErrors: 0, receiveErrors: 0, otherInterface: 0, drops: {} };
  readonly #unicastTtlMin: number;
  readonly #unicastTtlMax: number;
  readonly #raw: NativeRawSocket;
  readonly #batch: (read: () => void) => void;
  #closed = false;
  /** Every group joined: `group` first, then those of other instances on this interface (mcast_dst_ip). */
  readonly #groups = new Set<string>();

  /** Opens, configures and starts the socket; throws SocketError (e.g. errnoCode 'ENODEV'). */
  constructor(opts: VrrpSocketOptions) {
    super();
    this.family = opts.family;
    this.ifname = opts.ifname;
    this.ifindex = opts.ifindex;
    this.group = opts.group === undefined ? (opts.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6) : opts.group;
    this.protocol = opts.protocol ?? 112;
    this.#unicastTtlMin = opts.unicastTtlMin ?? 0;
    this.#unicastTtlMax = opts.unicastTtlMax ?? 255;
    this.#batch = opts.batch ?? ((read) => read());
    const native = opts.native ?? loadNative();
    const where = `VRRP socket on ${opts.ifname} (IPv${opts.family}${this.protocol === 51 ? ', AH' : ''})`;
    try {
      this.#raw = new native.RawSocket(opts.family, this.#onDatagram, this.protocol);
    } catch (e) {
      throw toSocketError(e, where);
    }
    try {
      this.#configure();
      this.#raw.start(() => this.#read(MAX_PER_WAKE));
    } catch (e) {
      this.#raw.close();
      throw toSocketError(e, where);
    }
  }

  #configure(): void {
    const raw = this.#raw;
    raw.bindToDevice(this.ifname);
    raw.setMulticastInterface(this.ifindex);
    raw.setMulticastTtl(TTL_MULTICAST);
    raw.setMulticastLoop(false);
    // VRRPv3 over IPv6: the codec computes the checksum; the kernel leaves it alone (offset -1).
    if (this.family === 6) raw.setChecksumOffset(-1);
    if (this.group !== null) this.joinGroup(this.group);
  }

  /** Joins one more group on this socket's interface (idempotent); throws SocketError. */
  joinGroup(group: string): void {
    if (this.#groups.has(group)) return;
    try {
      this.#raw.joinGroup(group, this.ifindex);
    } catch (e) {
      throw toSocketError(e, `join ${group} on ${this.ifname}`);
    }
    this.#groups.add(group);
  }

  hasGroup(group: string): boolean {
    return this.#groups.has(group);
  }

  /**
   * Sends one VRRP message out of this interface; returns false (and emits
   * sendError) on failure. An AH socket sends `payload` as the whole IPv4
   * datagram, whose header carries the TTL (`opts.ttl` is not used).
   */
  send(payload: Uint8Array, opts: SendOptions): boolean {
    const dst = opts.dst ?? this.group;
    if (dst === null) throw new TypeError('VrrpSocket.send: no destination and no group');
    try {
      this.#raw.send(dst, payload, opts.src, this.ifindex, this.protocol === 51 ? -1 : opts.ttl ?? TTL_MULTICAST);
      this.stats.sent++;
      return true;
    } catch (e) {
      this.stats.sendErrors++;
      const err = toSocketError(e, `send to ${dst} on ${this.ifname}`);
      if (!(err instanceof SocketError)) throw err;
      this.emit('sendError', err);
      return false;
    }
  }

  /**
   * Reads every datagram queued in the socket now, synchronously, and emits
   * them as the poll path does (`packet` / `drop`). The daemon calls it before
   * it acts on an expired timer: after an event-loop stall, Node runs timers
   * before it polls sockets, and the adverts queued meanwhile must be read
   * first (keepalived reads a readable socket before it acts on a timeout).
   */
  drain(): void {
    this.#read();
  }

  /** One batch: read what is queued (up to max), then emit each in order, inside `batch`. */
  #read(max?: number): void {
    if (this.#closed) return;
    this.#batch(() => {
      for (const d of this.#raw.drain(max)) this.#onDatagram(null, ...d);
    });
  }

  /** Leaves the groups and closes; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const group of this.#groups) {
      try { this.#raw.leaveGroup(group, this.ifindex); } catch { /* the interface may be gone; close drops it anyway */ }
    }
    this.#raw.close();
  }

  #drop(reason: DropReason, src: string, detail: string): void {
    this.stats.drops[reason] = (this.stats.drops[reason] ?? 0) + 1;
    this.emit('drop', { reason, src, detail });
  }

  // Arrow function: the addon calls it with no `this`.
  readonly #onDatagram = (err: NativeError | null, payload?: Buffer, src?: string, scopeId?: number, dst?: string, ifindex?: number, hopLimit?: number): void => {
    if (err !== null) {
      this.stats.receiveErrors++;
      this.emit('receiveError', toSocketError(err, `receive on ${this.ifname}`) as SocketError);
      return;
    }
    if (payload === undefined || src === undefined || dst === undefined || ifindex === undefined || hopLimit === undefined) return;
    this.stats.received++;
    if (ifindex !== this.ifindex) { this.stats.otherInterface++; return; }
    let ttl = hopLimit;
    let vrrp: Uint8Array = payload;
    if (this.family === 4) {
      const ip = readIpv4Header(payload);
      if (!ip.ok) return this.#drop(ip.reason, src, ip.detail);
      ttl = ip.ttl;
      // AH: the codec needs the header too (the ICV covers it).
      vrrp = this.protocol === 51 ? payload.subarray(0, (payload[2]! << 8) | payload[3]!) : ip.payload;
    }
    const multicast = isMulticast(dst);
    if (multicast && ttl !== TTL_MULTICAST) return this.#drop('ttlNot255', src, `${this.family === 4 ? 'TTL' : 'hop limit'} ${ttl} to ${dst}`);
    if (!multicast && (ttl < this.#unicastTtlMin || ttl > this.#unicastTtlMax)) {
      return this.#drop('ttlNot255', src, `unicast TTL ${ttl} outside ${this.#unicastTtlMin}..${this.#unicastTtlMax}`);
    }
    this.emit('packet', { family: this.family, src, scopeId: scopeId ?? 0, dst, ifindex, ttl, multicast, protocol: this.protocol, payload: vrrp });
  };
}

/**
 * The few IPv4 header fields the edge needs (TTL, where the payload is).
 * vrrp/packet.ts has the full splitIpv4Header, but net/ may not import the
 * core (DESIGN.md dependency direction), so this reads only what it must.
 */
export function readIpv4Header(b: Uint8Array):
  { ok: true; ttl: number; payload: Uint8Array } | { ok: false; reason: DropReason; detail: string } {
  if (b.length < 20) return { ok: false, reason: 'tooShort', detail: `${b.length} bytes of IPv4 header` };
  const headerLen = (b[0]! & 0x0f) * 4;
  const totalLen = (b[2]! << 8) | b[3]!;
  if (b[0]! >> 4 !== 4 || headerLen < 20 || totalLen < headerLen) {
    return { ok: false, reason: 'badIpHeader', detail: `version/IHL byte 0x${b[0]!.toString(16)}, total length ${totalLen}` };
  }
  if (totalLen > b.length) return { ok: false, reason: 'tooShort', detail: `total length ${totalLen} > ${b.length} received` };
  return { ok: true, ttl: b[8]!, payload: b.subarray(headerLen, totalLen) };
}

function isMulticast(addr: string): boolean {
  if (addr.includes(':')) return addr.toLowerCase().startsWith('ff');
  const first = Number(addr.slice(0, addr.indexOf('.')));
  return first >= 224 && first <= 239;
}
