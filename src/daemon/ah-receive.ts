// Received adverts and IPsec AH, before the core: keepalived's
// vrrp_check_packet first checks that a packet has an AH header exactly when
// its instance uses auth_type AH, then (for AH) the ICV, SPI and sequence
// number. Plain VRRP for an AH instance and AH for any other instance are
// dropped with their own reasons. The channels (key, counter) live here, one
// per AH instance, and a reload carries their counters over as keepalived does.
import type { Advert } from '../vrrp/advert.ts';
import type { Action } from '../vrrp/types.ts';
import { decodeAdvert } from '../vrrp/packet.ts';
import { splitAhPacket } from '../vrrp/ah.ts';
import type { VrrpPacket } from '../net/vrrp-socket.ts';
import { identityOf, type AssembledInstance } from './assemble.ts';
import { AhChannel } from './ah-channel.ts';
import { hmacMd5 } from '../net/hmac-md5.ts';
import type { ReceiveRoutes } from './receive-route.ts';

export type Received =
  | { readonly ok: true; readonly advert: Advert }
  /** `where`: the instance's name when one was found, else the interface's. */
  | { readonly ok: false; readonly where: string; readonly reason: string; readonly detail: string; readonly logged?: boolean };

/** Instances that can use AH: VRRPv2 over IPv4 (keepalived refuses AH for v3 and IPv6). */
export const canUseAh = (a: AssembledInstance): boolean => a.core.version === 2 && a.family === 4;

export class AhTable {
  readonly #channels = new Map<string, AhChannel>();
  readonly #identity = new Map<string, string>();

  /** `carried`: sequence counters by identityOf(), from the daemon a reload replaces. */
  constructor(instances: Iterable<AssembledInstance>, carried?: ReadonlyMap<string, number>) {
    for (const a of instances) {
      if (a.core.auth.type !== 'ah' || !canUseAh(a)) continue;
      const id = identityOf(a);
      this.#identity.set(a.core.name, id);
      this.#channels.set(a.core.name, new AhChannel(a.core.auth.password, a.core.unicastPeers.length > 0, carried?.get(id) ?? 0));
    }
    // OpenSSL's first HMAC-MD5 costs ~7 ms (measured, Node 20): pay it now, not in the first takeover's advert.
    if (this.#channels.size > 0) hmacMd5(new Uint8Array(8), new Uint8Array(64));
  }

  channel(name: string): AhChannel | undefined {
    return this.#channels.get(name);
  }

  /** keepalived resets a counter that has cycled when its instance becomes MASTER. */
  observe(instance: string, action: Action): void {
    if (action.type === 'transition' && action.to === 'MASTER') this.#channels.get(instance)?.seq.becameMaster();
  }

  carry(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, ch] of this.#channels) out.set(this.#identity.get(name)!, ch.seq.value);
    return out;
  }

  /** A packet from a VRRP (112) or AH (51) socket on `ifname`: the advert for the core, or why not. */
  receive(ifname: string, p: VrrpPacket, routes: ReceiveRoutes): Received {
    if (p.protocol === 112) return this.#plain(ifname, p, routes);
    const split = splitAhPacket(p.payload);
    if (!split.ok) return { ok: false, where: ifname, reason: split.reason, detail: split.detail };
    const decoded = decodeAdvert(split.vrrp, 4, { src: p.src, dst: p.dst });
    if (!decoded.ok) return { ok: false, where: ifname, reason: decoded.reason, detail: decoded.detail ?? '' };
    const advert = decoded.advert;
    const name = routes.instance(ifname, 4, advert.vrid);
    if (name === undefined) return { ok: true, advert }; // the router counts the unknown VRID
    const channel = this.#channels.get(name);
    if (channel === undefined) return { ok: false, where: name, reason: 'ahUnexpected', detail: '' };
    // Version and auth type are the core's to refuse (keepalived checks them before the ICV).
    if (advert.version !== 2 || advert.authType !== 2) return { ok: true, advert };
    const v = channel.check(p.payload, split);
    return v.ok ? { ok: true, advert } : { ok: false, where: name, reason: v.reason, detail: v.detail };
  }

  #plain(ifname: string, p: VrrpPacket, routes: ReceiveRoutes): Received {
    const decoded = decodeAdvert(p.payload, p.family, { src: p.src, dst: p.dst });
    if (!decoded.ok) return { ok: false, where: ifname, reason: decoded.reason, detail: decoded.detail ?? '' };
    const name = p.family === 4 ? routes.instance(ifname, 4, decoded.advert.vrid) : undefined;
    if (name !== undefined && this.#channels.has(name)) return { ok: false, where: name, reason: 'ahMissing', detail: '' };
    return { ok: true, advert: decoded.advert };
  }
}
