// Gratuitous ARP, byte for byte as Debian's keepalived 2.2.7 sends it
// (test/golden/garp-na-keepalived-2.2.7.pcap): an ARP *request* whose sender
// and target protocol address are both the VIP, sender hardware address the
// interface MAC (or VMAC) and target hardware address ff:ff:ff:ff:ff:ff, in a
// broadcast frame. The kernel writes the Ethernet header (AF_PACKET/SOCK_DGRAM).
import { parseIpv4 } from '../base/ip.ts';

export const ETHERTYPE_ARP = 0x0806;
export const BROADCAST_MAC: Uint8Array = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export const GARP_BYTES = 28;

const ARPHRD_ETHER = 1;
const ETHERTYPE_IPV4 = 0x0800;
const ARPOP_REQUEST = 1;

/** The 28-byte ARP payload announcing `vip` at `mac`. Throws on a non-IPv4 `vip` or a MAC not 6 bytes long (programmer errors). */
export function buildGarp(mac: Uint8Array, vip: string): Uint8Array {
  const ip = parseIpv4(vip);
  if (ip === null) throw new TypeError(`buildGarp: not an IPv4 address: ${vip}`);
  if (mac.length !== 6) throw new TypeError(`buildGarp: MAC must be 6 bytes, got ${mac.length}`);
  const b = new Uint8Array(GARP_BYTES);
  const v = new DataView(b.buffer);
  v.setUint16(0, ARPHRD_ETHER);
  v.setUint16(2, ETHERTYPE_IPV4);
  b[4] = 6; // hardware address length
  b[5] = 4; // protocol address length
  v.setUint16(6, ARPOP_REQUEST);
  b.set(mac, 8); // sender hardware address
  b.set(ip, 14); // sender protocol address
  b.set(BROADCAST_MAC, 18); // target hardware address: keepalived uses ff:…:ff, not zeros
  b.set(ip, 24); // target protocol address
  return b;
}
