// The VRRP advertisement codec: VRRPv2 (RFC 3768, IPv4 only, optional simple
// password) and VRRPv3 (RFC 9568, IPv4 and IPv6, pseudo-header checksum).
// Wire units live only here: v2 carries whole seconds, v3 centiseconds; the
// Advert value always holds centiseconds.
//
// decodeAdvert never throws: a peer's bad packet is a value (STYLE rule 10).
// encodeAdvert asserts: an Advert we cannot put on the wire is our own bug.
import { assert } from '../base/assert.ts';
import { addWords, checksumIsValid, finishChecksum } from '../base/checksum.ts';
import type { Family } from '../base/ip.ts';
import { centis } from '../base/units.ts';
import type { Advert, AuthType, DecodeResult, DropReason, PacketEnds } from './advert.ts';
import { formatIpv4Fast, formatIpv6Fast, parseIpv4Word, scanIpv6 } from '../base/ip-wire.ts';

export const IPPROTO_VRRP = 112;
const HEADER_LEN = 8;
/** v2 always carries 8 bytes of authentication data after the addresses. */
const AUTH_LEN = 8;
const TYPE_ADVERTISEMENT = 1;
const V3_INTERVAL_MAX_CS = 0x0fff;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

// ---- encode ----

export function encodeAdvert(advert: Advert, ends: PacketEnds): Uint8Array {
  const { version, family, addresses } = advert;
  assert(version === 2 || version === 3, 'encodeAdvert: version must be 2 or 3');
  assert(family === 4 || family === 6, 'encodeAdvert: family must be 4 or 6');
  assert(version === 3 || family === 4, 'encodeAdvert: VRRPv2 is IPv4-only');
  assert(isByte(advert.vrid) && advert.vrid >= 1, 'encodeAdvert: vrid must be 1..255');
  assert(isByte(advert.priority), 'encodeAdvert: priority must be 0..255');
  assert(addresses.length <= 255, 'encodeAdvert: at most 255 addresses');
  const addrLen = family === 4 ? 4 : 16;
  const vrrpLen = HEADER_LEN + addresses.length * addrLen + (version === 2 ? AUTH_LEN : 0);
  const out = new Uint8Array(vrrpLen);
  out[0] = (version << 4) | TYPE_ADVERTISEMENT;
  out[1] = advert.vrid;
  out[2] = advert.priority;
  out[3] = addresses.length;
  if (version === 2) writeV2Fields(advert, out);
  else writeV3Fields(advert, out);
  for (let i = 0; i < addresses.length; i++) writeAddress(family, addresses[i]!, out, HEADER_LEN + i * addrLen);
  const sum = version === 2 ? 0 : pseudoHeaderSum(family, ends, vrrpLen);
  assert(sum >= 0, 'encodeAdvert: ends must be addresses of the advert family');
  const checksum = finishChecksum(addWords(out, 0, vrrpLen, sum));
  out[6] = checksum >> 8;
  out[7] = checksum & 0xff;
  return out;
}

function writeV2Fields(advert: Advert, out: Uint8Array): void {
  const seconds = advert.advertIntervalCs / 100;
  assert(Number.isInteger(seconds) && seconds >= 1 && seconds <= 255, 'encodeAdvert: a v2 interval is 1..255 whole seconds');
  const { authType, authData } = advert;
  assert(authType === 0 || authType === 1 || authType === 2, 'encodeAdvert: authType must be 0, 1 or 2');
  assert(authType === 1 || authData === '', 'encodeAdvert: authData is only carried with authType 1 (PASS)');
  out[4] = authType;
  out[5] = seconds;
  if (authType !== 1 || authData === '') return;
  // The zero padding is not part of the password: a trailing NUL would not come back.
  assert(authData.charCodeAt(authData.length - 1) !== 0, 'encodeAdvert: a PASS password cannot end in NUL');
  // PASS: the password, zero-padded to 8 bytes (RFC 2338 §5.3.10); ASCII
  // (every real config) skips the encoder's allocation.
  const at = out.length - AUTH_LEN;
  if (isShortAscii(authData)) {
    for (let i = 0; i < authData.length; i++) out[at + i] = authData.charCodeAt(i);
    return;
  }
  const password = utf8Encoder.encode(authData);
  assert(password.length <= AUTH_LEN, 'encodeAdvert: a PASS password is at most 8 bytes');
  out.set(password, at);
}

function isShortAscii(text: string): boolean {
  if (text.length > AUTH_LEN) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

function writeV3Fields(advert: Advert, out: Uint8Array): void {
  const cs = advert.advertIntervalCs;
  assert(Number.isInteger(cs) && cs >= 1 && cs <= V3_INTERVAL_MAX_CS, 'encodeAdvert: a v3 interval is 1..4095 cs');
  assert(advert.authType === 0 && advert.authData === '', 'encodeAdvert: VRRPv3 has no authentication');
  out[4] = cs >> 8; // the 4 reserved bits stay zero
  out[5] = cs & 0xff;
}

function writeAddress(family: Family, text: string, out: Uint8Array, at: number): void {
  if (family === 4) {
    const word = parseIpv4Word(text);
    assert(word >= 0, 'encodeAdvert: an address is not IPv4');
    out[at] = word >>> 24;
    out[at + 1] = (word >>> 16) & 0xff;
    out[at + 2] = (word >>> 8) & 0xff;
    out[at + 3] = word & 0xff;
    return;
  }
  assert(scanIpv6(text, out, at) >= 0, 'encodeAdvert: an address is not IPv6');
}

// ---- decode ----

/**
 * Validates in a fixed order, cheapest and most basic first, so a packet's
 * first fault decides its counter: tooShort → badVersion → badType →
 * badAddressFamily → lengthMismatch → badChecksum → badAuthType.
 * `bytes` is the VRRP message (after the IPv4 header; IPv6 sockets deliver
 * only the payload). `ends` matters only for the v3 checksum.
 */
export function decodeAdvert(bytes: Uint8Array, family: Family, ends: PacketEnds): DecodeResult {
  const len = bytes.length;
  if (len < HEADER_LEN) return fail('tooShort', `${len} bytes, need at least ${HEADER_LEN}`);
  const version = bytes[0]! >> 4;
  if (version !== 2 && version !== 3) return fail('badVersion', `version ${version}`);
  if ((bytes[0]! & 0x0f) !== TYPE_ADVERTISEMENT) return fail('badType', `type ${bytes[0]! & 0x0f}`);
  if (family !== 4 && family !== 6) return fail('badAddressFamily', `family ${String(family)}`);
  if (version === 2 && family === 6) return fail('badAddressFamily', 'VRRPv2 over IPv6 (RFC 3768 is IPv4-only)');
  const count = bytes[3]!;
  const addrLen = family === 4 ? 4 : 16;
  const vrrpLen = HEADER_LEN + count * addrLen + (version === 2 ? AUTH_LEN : 0);
  if (len !== vrrpLen && !isEthernetPadding(family, vrrpLen, len)) {
    return fail('lengthMismatch', `${len} bytes, ${count} addresses need ${vrrpLen}`);
  }
  let sum = 0;
  if (version === 3) {
    sum = pseudoHeaderSum(family, ends, vrrpLen);
    if (sum < 0) return fail('badAddressFamily', `ends ${ends.src} -> ${ends.dst} are not IPv${family}`);
  }
  if (!checksumIsValid(addWords(bytes, 0, vrrpLen, sum))) return fail('badChecksum');
  const authType = version === 2 ? bytes[4]! : 0;
  if (authType > 2) return fail('badAuthType', `auth type ${authType}`);
  const advert: Advert = {
    version,
    family,
    vrid: bytes[1]!,
    priority: bytes[2]!,
    // v3: the top 4 bits are reserved, ignored on receive (RFC 9568 §5.2.6).
    advertIntervalCs: centis(version === 2 ? bytes[5]! * 100 : ((bytes[4]! & 0x0f) << 8) | bytes[5]!),
    addresses: readAddresses(bytes, family, count),
    authType: authType as AuthType,
    // RFC 3768: auth data is ignored unless it is the PASS password.
    authData: authType === 1 ? readPassword(bytes, vrrpLen - AUTH_LEN) : '',
  };
  return { ok: true, advert };
}

/**
 * keepalived (vrrp_check_packet) accepts bytes beyond the VRRP message only
 * when they look like Ethernet minimum-frame padding: the IP packet is under
 * 46 bytes and the excess is 2 mod 4 (the frame may carry VLAN tags). We
 * accept exactly the same, assuming a 20-byte IPv4 header; the padding is
 * outside the checksum.
 */
function isEthernetPadding(family: Family, vrrpLen: number, len: number): boolean {
  const ipLen = vrrpLen + (family === 4 ? 20 : 0);
  return len > vrrpLen && ipLen < 46 && (len - vrrpLen) % 4 === 2;
}

function readAddresses(bytes: Uint8Array, family: Family, count: number): string[] {
  const out = new Array<string>(count);
  if (family === 4) for (let i = 0; i < count; i++) out[i] = formatIpv4Fast(bytes, HEADER_LEN + 4 * i);
  else for (let i = 0; i < count; i++) out[i] = formatIpv6Fast(bytes, HEADER_LEN + 16 * i);
  return out;
}

/** The PASS password: the 8 bytes without their zero padding. */
function readPassword(bytes: Uint8Array, at: number): string {
  let end = at + AUTH_LEN;
  while (end > at && bytes[end - 1] === 0) end--;
  let ascii = true;
  for (let i = at; i < end; i++) if (bytes[i]! >= 0x80) ascii = false;
  if (!ascii) return utf8Decoder.decode(bytes.subarray(at, end));
  let s = '';
  for (let i = at; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

// ---- shared ----

/**
 * The v3 pseudo-header's contribution to the checksum: IPv4 src, dst, zero,
 * protocol 112, VRRP length (RFC 768 layout); IPv6 src, dst, 32-bit length,
 * three zero bytes, next header 112 (RFC 8200 §8.1). -1 if an end is not an
 * address of `family`.
 */
function pseudoHeaderSum(family: Family, ends: PacketEnds, vrrpLen: number): number {
  if (family === 4) {
    const src = parseIpv4Word(ends.src);
    const dst = parseIpv4Word(ends.dst);
    if (src < 0 || dst < 0) return -1;
    return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IPPROTO_VRRP + vrrpLen;
  }
  const src = scanIpv6(ends.src, null, 0);
  const dst = scanIpv6(ends.dst, null, 0);
  if (src < 0 || dst < 0) return -1;
  return src + dst + IPPROTO_VRRP + vrrpLen;
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}

function fail(reason: DropReason, detail?: string): DecodeResult {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

// ---- IPv4 header ----

export type Ipv4Split =
  | { ok: true; ttl: number; src: string; dst: string; protocol: number; payload: Uint8Array }
  | { ok: false; reason: DropReason; detail?: string };

/**
 * IPv4 raw sockets deliver the IP header with the payload. The kernel has
 * already checked the header checksum and reassembled fragments; we check the
 * fields we rely on. The payload ends at the header's total length (anything
 * after it is link padding) and is a view, not a copy.
 */
export function splitIpv4Header(bytes: Uint8Array): Ipv4Split {
  if (bytes.length < 20) return { ok: false, reason: 'tooShort', detail: `${bytes.length} bytes of IPv4 header` };
  if (bytes[0]! >> 4 !== 4) return { ok: false, reason: 'badIpHeader', detail: `IP version ${bytes[0]! >> 4}` };
  const headerLen = (bytes[0]! & 0x0f) * 4;
  if (headerLen < 20) return { ok: false, reason: 'badIpHeader', detail: `IHL ${headerLen / 4}` };
  const totalLen = (bytes[2]! << 8) | bytes[3]!;
  if (totalLen < headerLen) return { ok: false, reason: 'badIpHeader', detail: `total length ${totalLen} < IHL` };
  if (totalLen > bytes.length) return { ok: false, reason: 'tooShort', detail: `total length ${totalLen} > ${bytes.length} received` };
  return {
    ok: true,
    ttl: bytes[8]!,
    protocol: bytes[9]!,
    src: formatIpv4Fast(bytes, 12),
    dst: formatIpv4Fast(bytes, 16),
    payload: bytes.subarray(headerLen, totalLen),
  };
}
