// Unsolicited neighbour advertisement (RFC 4861 §7.2.6), laid out as Debian's
// keepalived 2.2.7 sends it (test/golden/garp-na-keepalived-2.2.7.pcap): an
// IPv6 packet from the VIP itself to ff02::1, hop limit 255, ICMPv6 type 136
// with Override set, Router set only when the interface forwards IPv6, the
// VIP as target and a target link-layer address option. We build the IPv6
// header too, since AF_PACKET/SOCK_DGRAM sends it as is.
import { readFileSync } from 'node:fs';
import { addWords, finishChecksum } from '../base/checksum.ts';
import { parseIpv6 } from '../base/ip.ts';

export const ETHERTYPE_IPV6 = 0x86dd;
/** 33:33 + the low 32 bits of ff02::1 (RFC 2464 §7). */
export const ALL_NODES_MAC: Uint8Array = new Uint8Array([0x33, 0x33, 0, 0, 0, 1]);
export const ALL_NODES = 'ff02::1';
const IPPROTO_ICMPV6 = 58;
const ND_NEIGHBOR_ADVERT = 136;
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20;
const ND_OPT_TARGET_LINKADDR = 2;
const ICMP_BYTES = 32; // 4 header + 4 flags + 16 target + 8 option
export const NA_PACKET_BYTES = 40 + ICMP_BYTES;

export interface UnsolicitedNa {
  readonly mac: Uint8Array; // the interface MAC or VMAC: goes in the option
  readonly target: string; // the VIP
  /** IPv6 source; default the target, as keepalived does. */
  readonly src?: string;
  /** The R flag: set when the node is a router on this link (keepalived: the interface's forwarding sysctl). */
  readonly router: boolean;
}

/** The IPv6 packet (header + ICMPv6) of an unsolicited NA. Throws on bad addresses or MAC (programmer errors). */
export function buildUnsolicitedNa(na: UnsolicitedNa): Uint8Array {
  const target = parseIpv6(na.target);
  const src = na.src === undefined ? target : parseIpv6(na.src);
  const dst = parseIpv6(ALL_NODES)!;
  if (target === null || src === null) throw new TypeError(`buildUnsolicitedNa: not IPv6: ${na.target} / ${na.src}`);
  if (na.mac.length !== 6) throw new TypeError(`buildUnsolicitedNa: MAC must be 6 bytes, got ${na.mac.length}`);
  const b = new Uint8Array(NA_PACKET_BYTES);
  const v = new DataView(b.buffer);
  b[0] = 0x60; // version 6, traffic class 0, flow label 0
  v.setUint16(4, ICMP_BYTES);
  b[6] = IPPROTO_ICMPV6;
  b[7] = 255; // hop limit: receivers drop ND with anything else (RFC 4861 §7.1.2)
  b.set(src, 8);
  b.set(dst, 24);
  const icmp = 40;
  b[icmp] = ND_NEIGHBOR_ADVERT;
  b[icmp + 4] = NA_FLAG_OVERRIDE | (na.router ? NA_FLAG_ROUTER : 0);
  b.set(target, icmp + 8);
  b[icmp + 24] = ND_OPT_TARGET_LINKADDR;
  b[icmp + 25] = 1; // option length in units of 8 bytes
  b.set(na.mac, icmp + 26);
  v.setUint16(icmp + 2, icmpv6Checksum(b, icmp));
  return b;
}

/** ICMPv6 checksum over the pseudo-header (src, dst, length, next header) and the message. */
export function icmpv6Checksum(packet: Uint8Array, icmpOffset: number): number {
  const len = packet.length - icmpOffset;
  let sum = addWords(packet, 8, 40, 0); // source and destination addresses
  sum += len + IPPROTO_ICMPV6;
  const saved = [packet[icmpOffset + 2]!, packet[icmpOffset + 3]!];
  packet[icmpOffset + 2] = 0;
  packet[icmpOffset + 3] = 0;
  sum = addWords(packet, icmpOffset, packet.length, sum);
  packet[icmpOffset + 2] = saved[0]!;
  packet[icmpOffset + 3] = saved[1]!;
  return finishChecksum(sum);
}

/** keepalived sets the NA Router flag when IPv6 forwarding is on for the interface. False if unreadable. */
export function ipv6Forwarding(ifname: string): boolean {
  try {
    return readFileSync(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}
