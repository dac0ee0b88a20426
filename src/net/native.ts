// Typed surface of native/ (vipkeeper_native.node). The addon moves bytes;
// every layout is built and parsed in TypeScript. Its errors look like
// Node's system errors: `code` ('ENODEV'), `errno` (negative), `syscall`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type RawPacketCallback = (
  err: NativeError | null,
  payload?: Buffer, // IPv4: with its IP header; IPv6: the VRRP bytes only
  src?: string,
  scopeId?: number,
  dst?: string, // from IP_PKTINFO / IPV6_PKTINFO
  ifindex?: number, // arrival interface
  hopLimit?: number, // IPv6 from IPV6_HOPLIMIT; -1 for IPv4 (read the header)
) => void;

export interface NativeRawSocket {
  bindToDevice(ifname: string): void;
  /** Beware: on IPv4 a bound raw socket only receives packets sent to that address. */
  bind(address: string, scopeId?: number): void;
  joinGroup(group: string, ifindex: number): void;
  leaveGroup(group: string, ifindex: number): void;
  setMulticastInterface(ifindex: number): void;
  setMulticastTtl(ttl: number): void;
  setUnicastTtl(ttl: number): void;
  setMulticastLoop(on: boolean): void;
  /** IPv6 only: IPV6_CHECKSUM offset, -1 = off (kernel neither fills nor checks it). */
  setChecksumOffset(offset: number): void;
  /**
   * Starts polling; each wake-up calls onReadable, which reads with drain()
   * (so JS sees a wake-up's datagrams as one batch). Keeps the loop alive until close().
   */
  start(onReadable: () => void): void;
  /**
   * Reads the datagrams queued now (non-blocking recvmsg, at most `max`, and
   * at most 1024), as onPacket's arguments after the error: [payload, src,
   * scopeId, dst, ifindex, hopLimit]. Receive errors still go to onPacket. []
   * when closed or empty.
   */
  drain(max?: number): Array<[Buffer, string, number, string, number, number]>;
  /** Sends from `src` ('' = kernel's choice) out of `ifindex` (0 = route) with `ttl` (-1 = socket default). */
  send(dst: string, payload: Uint8Array, src?: string, ifindex?: number, ttl?: number): number;
  /** Stops polling and closes the fd; idempotent. */
  close(): void;
}

export interface NativePacketSocket {
  /** AF_PACKET/SOCK_DGRAM: the kernel adds the Ethernet header (source = the interface's MAC). */
  send(ifindex: number, ethertype: number, dstMac: Uint8Array, payload: Uint8Array): number;
  close(): void;
}

export interface NativeAddon {
  readonly abiVersion: number;
  /** protocol: 112 (VRRP, default) or 51 (IPsec AH, IPv4 only; sends whole IPv4 datagrams with IP_HDRINCL). */
  readonly RawSocket: new (family: 4 | 6, onPacket: RawPacketCallback, protocol?: 112 | 51) => NativeRawSocket;
  readonly PacketSocket: new () => NativePacketSocket;
  /** One datagram to an AF_UNIX path; '@name' is an abstract address. */
  sendUnixDatagram(path: string, data: Uint8Array): number;
  /** NSS getpwnam_r: null when there is no such user; throws when the lookup fails. */
  getpwnam(name: string): { name: string; uid: number; gid: number } | null;
  /** NSS getgrnam_r: the gid, or null when there is no such group; throws when the lookup fails. */
  getgrnam(name: string): number | null;
  /** NSS getgrouplist: the user's groups, `gid` included. */
  getgrouplist(user: string, gid: number): number[];
}

export interface NativeError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
}

export function isNativeError(e: unknown): e is NativeError {
  return e instanceof Error && typeof (e as Partial<NativeError>).syscall === 'string' && typeof (e as Partial<NativeError>).code === 'string';
}

/** native/build/Release/vipkeeper-exec, from src/net/ (tsx) or dist/src/net/ (compiled). */
export function execLauncherPath(): string {
  const rel = ['../../native/build/Release/vipkeeper-exec', '../../../native/build/Release/vipkeeper-exec'];
  const urls = rel.map((r) => new URL(r, import.meta.url).pathname);
  return urls.find((p) => existsSync(p)) ?? urls[0]!;
}

/** Loads the addon (Node's require cache makes repeated calls cheap). */
export function loadNative(): NativeAddon {
  const require = createRequire(import.meta.url);
  // From src/net/ (run through tsx) or dist/src/net/ (the compiled build).
  try {
    return require('../../native/build/Release/vipkeeper_native.node') as NativeAddon;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    return require('../../../native/build/Release/vipkeeper_native.node') as NativeAddon;
  }
}
