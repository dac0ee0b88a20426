// The VRRP advertisement as a value: what packet.ts encodes and decodes and
// what the core consumes and produces. Times are in centiseconds for both
// versions (a v2 interval is a whole number of seconds × 100).
import type { Centis } from '../base/units.ts';
import type { Family } from '../base/ip.ts';

export type VrrpVersion = 2 | 3;

/** VRRPv2 authentication (RFC 2338 / keepalived): none, simple text (PASS), IPsec AH. */
export type AuthType = 0 | 1 | 2;

export interface Advert {
  readonly version: VrrpVersion;
  readonly family: Family;
  readonly vrid: number; // 1..255
  readonly priority: number; // 0..255
  readonly advertIntervalCs: Centis; // v3: 12 bits; v2: seconds × 100
  readonly addresses: readonly string[]; // canonical text, same family
  /** v2 only; 0 for v3. */
  readonly authType: AuthType;
  /** v2 PASS only: up to 8 bytes of password, '' otherwise. */
  readonly authData: string;
}

/** Where a packet came from and went to: the v3 pseudo-header needs both. */
export interface PacketEnds {
  readonly src: string;
  readonly dst: string;
}

/**
 * Why a received packet was dropped. Closed union; each maps to one counter
 * (names follow RFC 6527 where it has one). Codec reasons first, then the
 * per-instance reasons the core decides.
 */
export type DropReason =
  // codec (packet.ts)
  | 'tooShort'
  | 'badVersion'
  | 'badType'
  | 'lengthMismatch'
  | 'badChecksum'
  | 'badAuthType'
  | 'badAddressFamily'
  | 'badIpHeader'
  // edge (vrrp-socket) before decode
  | 'ttlNot255'
  // IPsec AH (ah.ts, checked at the edge with the instance's key and sequence counter)
  | 'ahNextHeader' // AH for a protocol other than VRRP: ignored
  | 'ahMissing' // plain VRRP (protocol 112) for an AH instance
  | 'ahUnexpected' // AH for an instance without auth_type AH
  | 'ahIcvInvalid' // HMAC-MD5-96 mismatch: wrong key or altered packet
  | 'ahSpiInvalid' // SPI is not the sender's address
  | 'ahSeqReplayed' // sequence number not above the last one accepted
  // core (instance.ts / router.ts)
  | 'unknownVrid'
  | 'versionMismatch'
  | 'authMismatch'
  | 'authTypeMismatch'
  | 'intervalMismatch'
  | 'intervalZero' // v3 Max Adver Int 0: would make Master_Down_Interval 0
  | 'addressListMismatch'
  | 'unicastSrcUnknown'
  | 'ownAdvert'
  | 'priorityZeroIgnored';

export type DecodeResult =
  | { readonly ok: true; readonly advert: Advert }
  | { readonly ok: false; readonly reason: DropReason; readonly detail?: string };
