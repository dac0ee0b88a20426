// The per-instance checks keepalived applies to a decoded advert
// (vrrp_check_packet in keepalived 2.2.7), in its order. The codec has already
// checked length, type, checksum and the auth type range; the router checked
// the VRID. Each failure is one DropReason and a log line in keepalived's words.
import type { Advert, AuthType, DropReason } from './advert.ts';
import type { InstanceConfig } from './types.ts';
import { canonicalIp } from '../base/ip.ts';
import { assertNever } from '../base/assert.ts';

export interface CheckFailure {
  readonly reason: DropReason;
  readonly msg: string;
}

/** What the checks need, computed once from the config (no per-packet allocation). */
export interface ReceiveContext {
  readonly name: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly primaryAddress: string;
  readonly authType: AuthType;
  readonly password: string; // v2 PASS: first 8 bytes, as on the wire
  readonly advertIntervalMs: number;
  readonly addresses: ReadonlySet<string>;
  readonly unicastPeers: ReadonlySet<string>;
  readonly checkUnicastSrc: boolean;
}

const PASSWORD_BYTES = 8;

export function authTypeOf(auth: InstanceConfig['auth']): AuthType {
  switch (auth.type) {
    case 'none':
      return 0;
    case 'pass':
      return 1;
    case 'ah':
      return 2;
    default:
      return assertNever(auth);
  }
}

const canon = (a: string): string => canonicalIp(a) ?? a;

export function receiveContext(c: InstanceConfig): ReceiveContext {
  return {
    name: c.name,
    vrid: c.vrid,
    version: c.version,
    primaryAddress: canon(c.primaryAddress),
    authType: c.version === 2 ? authTypeOf(c.auth) : 0,
    password: c.auth.type === 'none' ? '' : c.auth.password.slice(0, PASSWORD_BYTES),
    advertIntervalMs: c.advertIntervalMs,
    addresses: new Set(c.advertAddresses.map(canon)),
    unicastPeers: new Set(c.unicastPeers.map(canon)),
    checkUnicastSrc: c.checkUnicastSrc && c.unicastPeers.length > 0,
  };
}

const stripNul = (s: string): string => s.replace(/\0+$/, '');

/** Version, v2 auth and v2 interval: checked on every advert. */
export function checkHeader(ctx: ReceiveContext, advert: Advert, src: string): CheckFailure | null {
  if (src === ctx.primaryAddress) return { reason: 'ownAdvert', msg: `(${ctx.name}) ignoring our own advert from ${src}` };
  if (advert.version !== ctx.version) {
    return { reason: 'versionMismatch', msg: `(${ctx.name}) wrong version. Received ${advert.version} and expect ${ctx.version}` };
  }
  if (ctx.version !== 2) {
    // keepalived 2.2.7 accepts it, and its Master_Down_Interval becomes 0: the
    // backup takes over and steps down on every advert. No router can mean it.
    if (advert.advertIntervalCs === 0) {
      return { reason: 'intervalZero', msg: `(${ctx.name}) received an advert from ${src} with advertisement interval 0 - discarding` };
    }
    return null;
  }
  if (advert.authType !== ctx.authType) {
    return { reason: 'authTypeMismatch', msg: `(${ctx.name}) received a ${advert.authType} auth, expecting ${ctx.authType}!` };
  }
  if (ctx.authType === 1 && stripNul(advert.authData) !== ctx.password) {
    return { reason: 'authMismatch', msg: `(${ctx.name}) received an invalid passwd!` };
  }
  const rxMs = advert.advertIntervalCs * 10;
  if (rxMs !== ctx.advertIntervalMs) {
    // keepalived drops these "to prevent concurrent VRID running => multiple master in 1 VRID".
    const mine = Math.floor(ctx.advertIntervalMs / 1000);
    const got = Math.floor(rxMs / 1000);
    return { reason: 'intervalMismatch', msg: `(${ctx.name}) advertisement interval mismatch mine=${mine} sec rcv'd=${got} sec` };
  }
  return null;
}

/** The VIP list (count, then each of ours present) and the unicast source. */
export function checkAddresses(ctx: ReceiveContext, advert: Advert, src: string, checkVips: boolean): CheckFailure | null {
  if (checkVips) {
    if (advert.addresses.length !== ctx.addresses.size) {
      return {
        reason: 'addressListMismatch',
        msg: `(${ctx.name}) received an unexpected ip number count ${advert.addresses.length}, expected ${ctx.addresses.size}!`,
      };
    }
    for (const a of advert.addresses) {
      if (!ctx.addresses.has(a)) {
        const missing = [...ctx.addresses].find((x) => !advert.addresses.includes(x)) ?? a;
        return {
          reason: 'addressListMismatch',
          msg: `(${ctx.name}) ip address associated with VRID ${ctx.vrid} not present in MASTER advert: ${missing}`,
        };
      }
    }
  }
  if (ctx.checkUnicastSrc && !ctx.unicastPeers.has(src)) {
    return { reason: 'unicastSrcUnknown', msg: `(${ctx.name}) unicast source address ${src} not a unicast peer` };
  }
  return null;
}
