// Where a received advert goes, decided at the edge before the core sees it:
// - the instance's name: adverts arrive on the base interface, and an
//   instance with use_vmac is known to the core by its VMAC's name;
// - the per-peer TTL range of keepalived's `unicast_peer { ADDR min_ttl N
//   max_ttl M }`: a unicast advert from that peer with a TTL outside the
//   range is dropped (the TTL is a property of the IP packet, which the pure
//   core never sees). One map lookup per packet, built once.
import { canonicalIp, type Family } from '../base/ip.ts';
import type { AssembledInstance } from './assemble.ts';

interface Route {
  readonly name: string;
  readonly ifname: string;
  readonly ttl: ReadonlyMap<string, { readonly min: number; readonly max: number }>;
}

export type TtlVerdict = { ok: true } | { ok: false; detail: string };

const key = (ifname: string, family: Family, vrid: number) => `${ifname}/${family}/${vrid}`;

export class ReceiveRoutes {
  readonly #routes = new Map<string, Route>();

  constructor(instances: Iterable<AssembledInstance>) {
    for (const a of instances) {
      const ttl = new Map<string, { min: number; max: number }>();
      for (const p of a.model.unicastPeers) {
        if (p.minTtl === null && p.maxTtl === null) continue;
        ttl.set(canonicalIp(p.address) ?? p.address, { min: p.minTtl ?? 0, max: p.maxTtl ?? 255 });
      }
      this.#routes.set(key(a.baseIfname, a.family, a.core.vrid), { name: a.core.name, ifname: a.ifname, ttl });
    }
  }

  /** The interface name the core knows the instance by (the VMAC's with use_vmac). */
  target(ifname: string, family: Family, vrid: number): string {
    return this.#routes.get(key(ifname, family, vrid))?.ifname ?? ifname;
  }

  /** The name of the instance adverts for this VRID go to, if there is one. */
  instance(ifname: string, family: Family, vrid: number): string | undefined {
    return this.#routes.get(key(ifname, family, vrid))?.name;
  }

  /** The unicast TTL check of the peer `src`, if it has a min_ttl/max_ttl. */
  checkTtl(ifname: string, family: Family, vrid: number, src: string, ttl: number): TtlVerdict {
    const route = this.#routes.get(key(ifname, family, vrid));
    if (route === undefined || route.ttl.size === 0) return { ok: true };
    const range = route.ttl.get(canonicalIp(src) ?? src);
    if (range === undefined || (ttl >= range.min && ttl <= range.max)) return { ok: true };
    return { ok: false, detail: `unicast TTL ${ttl} from ${src} outside min_ttl ${range.min} .. max_ttl ${range.max}` };
  }
}
