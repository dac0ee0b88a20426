// Sends the gratuitous ARPs and unsolicited NAs of an `announce` action,
// spaced per interface by vrrp_garp_interval (ARP) and vrrp_gna_interval (NA)
// as keepalived does; 0 means back to back. Frames wait in one bounded queue
// per (interface, kind); what does not fit is counted and dropped, never
// allowed to grow without limit. Clock and timer are injectable for tests.
import { ipFamily } from '../base/ip.ts';
import { BROADCAST_MAC, ETHERTYPE_ARP, buildGarp } from './arp.ts';
import { TypedEmitter } from './emitter.ts';
import { loadNative, type NativePacketSocket } from './native.ts';
import { ALL_NODES_MAC, ETHERTYPE_IPV6, buildUnsolicitedNa } from './ndisc.ts';
import { SocketError, toSocketError } from './socket-error.ts';

export interface AnnounceTarget {
  readonly ifindex: number; // where to send: the VMAC interface when use_vmac
  readonly ifname: string;
  readonly mac: Uint8Array; // that interface's MAC (the Ethernet source the kernel will use)
  readonly vips: readonly string[]; // IPv4 get GARP, IPv6 get NA
  /** NA Router flag (keepalived: IPv6 forwarding on the interface). */
  readonly router: boolean;
  /** Who asks (the instance name): cancel(owner) drops what still waits. */
  readonly owner?: string;
}

export interface AnnouncerOptions {
  readonly garpIntervalMs: number;
  readonly gnaIntervalMs: number;
  /** Frames waiting per (interface, kind); default 4096. */
  readonly maxQueued?: number;
  readonly socket?: NativePacketSocket;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface AnnouncerStats { garpSent: number; naSent: number; sendErrors: number; overflowDropped: number; cancelled: number }

export type AnnouncerEvents = {
  sendError: [SocketError];
  overflow: [{ ifname: string; dropped: number }];
};

type Kind = 'arp' | 'na';
interface Frame { readonly ifindex: number; readonly kind: Kind; readonly bytes: Uint8Array; readonly owner: string | undefined; readonly done: () => void }
interface Lane { readonly frames: Frame[]; nextAtMs: number; timer: { cancel(): void } | null }

const defaultTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

export class Announcer extends TypedEmitter<AnnouncerEvents> {
  readonly stats: AnnouncerStats = { garpSent: 0, naSent: 0, sendErrors: 0, overflowDropped: 0, cancelled: 0 };
  readonly #opts: AnnouncerOptions;
  readonly #socket: NativePacketSocket;
  readonly #now: () => number;
  readonly #setTimer: (fn: () => void, ms: number) => { cancel(): void };
  readonly #lanes = new Map<string, Lane>();
  #closed = false;

  constructor(opts: AnnouncerOptions) {
    super();
    this.#opts = opts;
    this.#now = opts.now ?? (() => performance.now());
    this.#setTimer = opts.setTimer ?? defaultTimer;
    try {
      this.#socket = opts.socket ?? new (loadNative().PacketSocket)();
    } catch (e) {
      throw toSocketError(e, 'AF_PACKET socket for GARP/NA');
    }
  }

  /**
   * Queues `count` rounds (garp_master_repeat) of one GARP per IPv4 VIP and
   * one NA per IPv6 VIP. Resolves when all of them were sent or dropped.
   */
  announce(target: AnnounceTarget, count: number): Promise<void> {
    const frames: Array<{ kind: Kind; bytes: Uint8Array }> = [];
    for (const vip of target.vips) {
      const kind: Kind = ipFamily(vip) === 6 ? 'na' : 'arp';
      const bytes = kind === 'arp' ? buildGarp(target.mac, vip) : buildUnsolicitedNa({ mac: target.mac, target: vip, router: target.router });
      frames.push({ kind, bytes });
    }
    const total = frames.length * Math.max(0, count);
    if (total === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      let left = total;
      const done = () => { if (--left === 0) resolve(); };
      for (let round = 0; round < count; round++) {
        for (const f of frames) this.#enqueue(target, { ifindex: target.ifindex, kind: f.kind, bytes: f.bytes, owner: target.owner, done });
      }
    });
  }

  /**
   * Drops the frames of `owner` that still wait (their announce settles).
   * An instance leaving MASTER calls it: with vrrp_garp_interval pacing a
   * long queue, a GARP sent after the VIP left would pull clients back to a
   * router that no longer answers for it.
   */
  cancel(owner: string): number {
    let dropped = 0;
    for (const lane of this.#lanes.values()) {
      const keep: Frame[] = [];
      for (const f of lane.frames) {
        if (f.owner === owner) { dropped++; f.done(); } else keep.push(f);
      }
      lane.frames.splice(0, lane.frames.length, ...keep);
    }
    this.stats.cancelled += dropped;
    return dropped;
  }

  /** Drops whatever waits and closes the socket; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const lane of this.#lanes.values()) {
      lane.timer?.cancel();
      for (const f of lane.frames.splice(0)) f.done();
    }
    this.#socket.close();
  }

  #enqueue(target: AnnounceTarget, frame: Frame): void {
    const key = `${frame.ifindex}/${frame.kind}`;
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { frames: [], nextAtMs: -Infinity, timer: null };
      this.#lanes.set(key, lane);
    }
    if (lane.frames.length >= (this.#opts.maxQueued ?? 4096)) {
      this.stats.overflowDropped++;
      this.emit('overflow', { ifname: target.ifname, dropped: 1 });
      frame.done();
      return;
    }
    lane.frames.push(frame);
    if (lane.timer === null) this.#pump(lane);
  }

  // Sends every frame that is due, then arms one timer for the next.
  #pump(lane: Lane): void {
    lane.timer = null;
    while (lane.frames.length > 0 && !this.#closed) {
      const now = this.#now();
      if (now < lane.nextAtMs) {
        lane.timer = this.#setTimer(() => this.#pump(lane), lane.nextAtMs - now);
        return;
      }
      const frame = lane.frames.shift()!;
      this.#send(frame);
      const intervalMs = frame.kind === 'arp' ? this.#opts.garpIntervalMs : this.#opts.gnaIntervalMs;
      if (intervalMs > 0) lane.nextAtMs = now + intervalMs;
      frame.done();
    }
  }

  #send(frame: Frame): void {
    const arp = frame.kind === 'arp';
    try {
      this.#socket.send(frame.ifindex, arp ? ETHERTYPE_ARP : ETHERTYPE_IPV6, arp ? BROADCAST_MAC : ALL_NODES_MAC, frame.bytes);
      if (arp) this.stats.garpSent++;
      else this.stats.naSent++;
    } catch (e) {
      this.stats.sendErrors++;
      const err = toSocketError(e, `${arp ? 'GARP' : 'NA'} on ifindex ${frame.ifindex}`);
      if (err instanceof SocketError) this.emit('sendError', err);
      else throw err;
    }
  }
}
