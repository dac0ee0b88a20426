// The VRRP sockets of the daemon: one per (interface, family), shared by
// every instance on it (DESIGN.md). A socket that receives joins every group
// a multicast instance on it needs (mcast_dst_ip may differ per instance); a
// VMAC interface gets a send-only socket, because adverts are received on the
// base interface, as keepalived does.
import type { Family } from '../base/ip.ts';
import { VrrpSocket, type VrrpPacket, type VrrpDrop, type VrrpProtocol } from '../net/vrrp-socket.ts';

export interface SocketNeed {
  readonly ifname: string;
  readonly ifindex: number;
  readonly family: Family;
  readonly receive: boolean;
  /** The group to join, or null (unicast only / send-only). */
  readonly group: string | null;
  /** 51 for instances with auth_type AH: a second socket on the interface, for IPsec AH (default 112). */
  readonly protocol?: VrrpProtocol;
}

export interface SocketHandlers {
  packet(ifname: string, packet: VrrpPacket): void;
  drop(ifname: string, drop: VrrpDrop): void;
  error(ifname: string, what: string, err: Error): void;
  /** Wraps each batch of datagrams a socket reads (the daemon holds the core's timers: Router.readBatch). */
  batch(read: () => void): void;
}

export const socketKey = (ifname: string, family: Family, protocol: VrrpProtocol = 112): string =>
  protocol === 112 ? `${ifname}/${family}` : `${ifname}/${family}/ah`;

export class SocketTable {
  readonly #sockets = new Map<string, { socket: VrrpSocket; receive: boolean; ifindex: number }>();
  readonly #handlers: SocketHandlers;

  constructor(handlers: SocketHandlers) {
    this.#handlers = handlers;
  }

  /** Opens the socket for `need` unless an equivalent one is open; reopens it if the interface index changed. */
  ensure(need: SocketNeed): VrrpSocket {
    const protocol = need.protocol ?? 112;
    const key = socketKey(need.ifname, need.family, protocol);
    const have = this.#sockets.get(key);
    if (have && have.ifindex === need.ifindex && (have.receive || !need.receive) && (have.socket.group !== null || need.group === null)) {
      // Instances on one interface may use different groups (mcast_dst_ip): join each.
      if (have.receive && need.group !== null && !have.socket.hasGroup(need.group)) have.socket.joinGroup(need.group);
      return have.socket;
    }
    if (have) this.close(need.ifname, need.family, protocol);
    const receive = need.receive || (have?.receive ?? false);
    const group = need.group ?? have?.socket.group ?? null;
    const socket = new VrrpSocket({
      family: need.family, ifname: need.ifname, ifindex: need.ifindex, group: receive ? group : null, protocol,
      batch: (read) => this.#handlers.batch(read),
    });
    if (receive) {
      socket.on('packet', (p) => this.#handlers.packet(need.ifname, p));
      socket.on('drop', (d) => this.#handlers.drop(need.ifname, d));
    }
    socket.on('receiveError', (e) => this.#handlers.error(need.ifname, 'receive', e));
    socket.on('sendError', (e) => this.#handlers.error(need.ifname, 'send', e));
    this.#sockets.set(key, { socket, receive, ifindex: need.ifindex });
    return socket;
  }

  /** Reads what every receiving socket has queued now (see VrrpSocket.drain). */
  drainAll(): void {
    for (const { socket, receive } of this.#sockets.values()) if (receive) socket.drain();
  }

  get(ifname: string, family: Family, protocol: VrrpProtocol = 112): VrrpSocket | undefined {
    return this.#sockets.get(socketKey(ifname, family, protocol))?.socket;
  }

  close(ifname: string, family: Family, protocol: VrrpProtocol = 112): void {
    const key = socketKey(ifname, family, protocol);
    this.#sockets.get(key)?.socket.close();
    this.#sockets.delete(key);
  }

  closeAll(): void {
    for (const { socket } of this.#sockets.values()) socket.close();
    this.#sockets.clear();
  }

  stats(): Record<string, VrrpSocket['stats']> {
    const out: Record<string, VrrpSocket['stats']> = {};
    for (const [k, { socket }] of this.#sockets) out[k] = socket.stats;
    return out;
  }
}
