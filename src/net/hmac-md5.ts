// HMAC-MD5 from Node's OpenSSL, for the AH codec (src/vrrp/ah.ts), which takes
// it injected so that the codec stays pure. MD5 is what keepalived's AH uses
// (RFC 2403 HMAC-MD5-96); no choice of algorithm is offered on the wire.
import { createHmac } from 'node:crypto';

export function hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac('md5', key).update(data).digest();
}
