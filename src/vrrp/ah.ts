// VRRPv2 over IPv4 with an IPsec Authentication Header, as keepalived 2.2.7
// frames it (RFC 2338 §5.3.6.3 "IP Authentication Header", RFC 2402 layout):
//
//   IPv4 header (20 bytes, protocol 51, TOS 0xc0, TTL 255, id from the sender)
//   AH: next header 112, payload length 4, reserved 0, SPI = the sender's
//       IPv4 source address, sequence number, ICV (12 bytes)
//   the VRRPv2 advert (auth type 2, its 8-byte auth area zero)
//
// ICV = HMAC-MD5-96 keyed with the first 8 bytes of auth_pass (zero-padded,
// which HMAC's own key padding makes the same as the unpadded password), over
// the IP header with TOS, flags/fragment offset and checksum zeroed (and the
// TTL too for a unicast instance), the AH header with its ICV zeroed, and the
// VRRP message. keepalived keeps the TTL in the ICV for multicast (it is 255).
//
// The HMAC is injected: this file stays pure (no node:crypto) so the
// simulator and the unit tests can run it, and the daemon passes Node's.
import { addWords, finishChecksum } from '../base/checksum.ts';
import { formatIpv4Fast, parseIpv4Word } from '../base/ip-wire.ts';
import { assert } from '../base/assert.ts';
import type { DropReason } from './advert.ts';
import { IPPROTO_VRRP } from './packet.ts';

export const IPPROTO_AH = 51;
const IP_HEADER_LEN = 20;
export const AH_HEADER_LEN = 24;
const ICV_OFFSET = 12; // within the AH header
export const ICV_LEN = 12; // HMAC-MD5-96 (RFC 2403)
const AH_PAYLOAD_LEN_WORDS = 4; // (24 bytes / 4) - 2 (RFC 2402 §2.2)
const TOS_NETWORK_CONTROL = 0xc0;
const KEY_LEN = 8; // keepalived's auth_data[8]
const VRRP_HEADER_LEN = 8;

/** HMAC-MD5 of `data` with `key`: the full 16-byte digest (truncated here). */
export type HmacMd5 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

/** The AH key as keepalived holds it: auth_pass as UTF-8, cut or zero-padded to 8 bytes. */
export function ahKey(password: string): Uint8Array {
  const key = new Uint8Array(KEY_LEN);
  key.set(new TextEncoder().encode(password).subarray(0, KEY_LEN));
  return key;
}

export interface AhFrame {
  readonly src: string; // IPv4 source; also the SPI
  readonly dst: string; // the group or the unicast peer
  readonly ttl: number;
  readonly ipId: number; // 16-bit IP identification (covered by the ICV, so chosen here, not by the kernel)
  readonly seq: number; // AH sequence number, 32 bits
  /** A unicast instance zeroes the TTL in the ICV (it may change on the way). */
  readonly unicast: boolean;
}

/**
 * The whole IPv4 datagram for an IP_HDRINCL socket. The header checksum is
 * filled in as the kernel would (it recomputes it anyway), so the bytes equal
 * what goes on the wire.
 */
export function encodeAhPacket(vrrp: Uint8Array, f: AhFrame, key: Uint8Array, hmac: HmacMd5): Uint8Array {
  const src = parseIpv4Word(f.src);
  const dst = parseIpv4Word(f.dst);
  assert(src >= 0 && dst >= 0, 'encodeAhPacket: src and dst must be IPv4');
  assert(Number.isInteger(f.ipId) && f.ipId >= 0 && f.ipId <= 0xffff, 'encodeAhPacket: ipId is 16 bits');
  assert(Number.isInteger(f.seq) && f.seq >= 0 && f.seq <= 0xffffffff, 'encodeAhPacket: seq is 32 bits');
  assert(Number.isInteger(f.ttl) && f.ttl >= 0 && f.ttl <= 255, 'encodeAhPacket: ttl is 0..255');
  const total = IP_HEADER_LEN + AH_HEADER_LEN + vrrp.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = 0x45;
  view.setUint16(2, total);
  view.setUint16(4, f.ipId);
  out[8] = f.ttl;
  out[9] = IPPROTO_AH;
  view.setUint32(12, src);
  view.setUint32(16, dst);
  out[IP_HEADER_LEN] = IPPROTO_VRRP;
  out[IP_HEADER_LEN + 1] = AH_PAYLOAD_LEN_WORDS;
  view.setUint32(IP_HEADER_LEN + 4, src); // SPI: the sender's address, as keepalived chooses it
  view.setUint32(IP_HEADER_LEN + 8, f.seq);
  out.set(vrrp, IP_HEADER_LEN + AH_HEADER_LEN);
  // TOS and checksum are still zero here: the ICV input, but for the TTL.
  const icv = computeIcv(out, IP_HEADER_LEN, f.unicast, key, hmac);
  out.set(icv, IP_HEADER_LEN + ICV_OFFSET);
  out[1] = TOS_NETWORK_CONTROL;
  view.setUint16(10, finishChecksum(addWords(out, 0, IP_HEADER_LEN, 0)));
  return out;
}

/** The ICV of `ip` (a datagram with an AH header at `ahAt`), mutable fields zeroed in a copy. */
function computeIcv(ip: Uint8Array, ahAt: number, unicast: boolean, key: Uint8Array, hmac: HmacMd5): Uint8Array {
  // A copy, not ip.slice(): on a Node Buffer (what sockets deliver) slice is a view.
  const copy = new Uint8Array(ip);
  copy[1] = 0; // TOS
  copy[6] = 0; // flags + fragment offset
  copy[7] = 0;
  copy[10] = 0; // header checksum
  copy[11] = 0;
  if (unicast) copy[8] = 0;
  copy.fill(0, ahAt + ICV_OFFSET, ahAt + ICV_OFFSET + ICV_LEN);
  const digest = hmac(key, copy);
  assert(digest.length >= ICV_LEN, 'HMAC-MD5 digest too short');
  return digest.subarray(0, ICV_LEN);
}

export interface AhSplit {
  readonly ok: true;
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly spi: number;
  readonly spiMatchesSource: boolean;
  readonly seq: number;
  /** The VRRP message after the AH header, to the IP total length. */
  readonly vrrp: Uint8Array;
}

export type AhSplitResult = AhSplit | { readonly ok: false; readonly reason: DropReason; readonly detail: string };

/**
 * Reads the IPv4 and AH headers of a datagram from the AH socket. Fixed
 * order, first fault decides: IPv4 header, protocol 51, room for AH and a
 * VRRP header (keepalived: "IPv4 VRRP packet with AH too short"), next header
 * 112 (keepalived ignores AH for other protocols). The ICV is checked by
 * `ahIcvValid`, the sequence number by the instance's AhSequence.
 */
export function splitAhPacket(ip: Uint8Array): AhSplitResult {
  if (ip.length < IP_HEADER_LEN) return { ok: false, reason: 'tooShort', detail: `${ip.length} bytes of IPv4 header` };
  const ihl = (ip[0]! & 0x0f) * 4;
  const view = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
  const total = view.getUint16(2);
  if (ip[0]! >> 4 !== 4 || ihl < IP_HEADER_LEN || total < ihl) {
    return { ok: false, reason: 'badIpHeader', detail: `version/IHL byte 0x${ip[0]!.toString(16)}, total length ${total}` };
  }
  if (total > ip.length) return { ok: false, reason: 'tooShort', detail: `total length ${total} > ${ip.length} received` };
  if (ip[9] !== IPPROTO_AH) return { ok: false, reason: 'badIpHeader', detail: `protocol ${ip[9]}, expected AH (51)` };
  if (total < ihl + AH_HEADER_LEN + VRRP_HEADER_LEN) return { ok: false, reason: 'tooShort', detail: `IPv4 VRRP packet with AH too short - ${total} bytes` };
  const ah = ihl;
  if (ip[ah] !== IPPROTO_VRRP) return { ok: false, reason: 'ahNextHeader', detail: `AH next header ${ip[ah]}, not VRRP (112)` };
  const spi = view.getUint32(ah + 4);
  return {
    ok: true,
    src: formatIpv4Fast(ip, 12),
    dst: formatIpv4Fast(ip, 16),
    ttl: ip[8]!,
    spi,
    spiMatchesSource: spi === view.getUint32(12),
    seq: view.getUint32(ah + 8),
    vrrp: ip.subarray(ah + AH_HEADER_LEN, total),
  };
}

/** Whether the ICV in `ip` (as received, header included) is right for `key`; constant time over the 12 bytes. */
export function ahIcvValid(ip: Uint8Array, key: Uint8Array, unicast: boolean, hmac: HmacMd5): boolean {
  const ihl = (ip[0]! & 0x0f) * 4;
  const total = (ip[2]! << 8) | ip[3]!;
  const datagram = ip.subarray(0, total);
  const want = computeIcv(datagram, ihl, unicast, key, hmac);
  let diff = 0;
  for (let i = 0; i < ICV_LEN; i++) diff |= want[i]! ^ datagram[ihl + ICV_OFFSET + i]!;
  return diff === 0;
}

/** The SPI as text, for log lines (keepalived prints it as a raw number). */
export function formatSpi(spi: number): string {
  return `${spi >>> 24}.${(spi >>> 16) & 0xff}.${(spi >>> 8) & 0xff}.${spi & 0xff}`;
}
