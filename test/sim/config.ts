// InstanceConfig builders for simulated routers: keepalived's defaults, with
// only what a scenario cares about spelled out at the call site.
import { millis, type Millis } from '../../src/base/units.ts';
import type { Family } from '../../src/base/ip.ts';
import type { GarpConfig, InstanceConfig, TrackerRef } from '../../src/vrrp/types.ts';
import type { VrrpVersion } from '../../src/vrrp/advert.ts';

import { DEFAULT_GARP } from '../lib/pair.ts';

export { DEFAULT_GARP };

/** Router i's primary address on the segment (i from 0). */
export function routerAddress(family: Family, i: number): string {
  return family === 4 ? `10.0.0.${i + 1}` : `fe80::1:${(i + 1).toString(16)}`;
}

export function routerMac(i: number): string {
  return `02:00:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`;
}

export function vipsFor(family: Family, vrid: number, count = 1): string[] {
  const out: string[] = [];
  for (let k = 0; k < count; k++) out.push(family === 4 ? `10.1.${vrid}.${100 + k}` : `fd00::${vrid.toString(16)}:${(100 + k).toString(16)}`);
  return out;
}

export interface InstanceSpec {
  readonly router: number; // index, decides the primary address
  readonly vrid: number;
  readonly priority: number;
  readonly ifname?: string; // default eth0
  readonly version?: VrrpVersion;
  readonly family?: Family;
  readonly advertIntervalMs?: number;
  readonly preempt?: boolean;
  readonly preemptDelayMs?: number;
  readonly initialState?: 'MASTER' | 'BACKUP';
  readonly trackers?: readonly TrackerRef[];
  readonly vipCount?: number;
  readonly higherPrioSendAdvert?: boolean;
  readonly lowerPrioNoAdvert?: boolean;
  readonly garp?: Partial<GarpConfig>;
  readonly syncGroup?: string | null;
  readonly password?: string;
  readonly name?: string;
  /** unicast_peer: the routers (by index) to send to instead of multicast. */
  readonly unicastPeers?: readonly number[];
  readonly checkUnicastSrc?: boolean;
}

export function instanceConfig(s: InstanceSpec): InstanceConfig {
  const family = s.family ?? 4;
  const version = s.version ?? 3;
  return {
    name: s.name ?? `VI_${s.vrid}`,
    vrid: s.vrid,
    family,
    version,
    ifname: s.ifname ?? 'eth0',
    primaryAddress: routerAddress(family, s.router),
    priority: s.priority,
    advertIntervalMs: millis(s.advertIntervalMs ?? 1000) as Millis,
    initialState: s.initialState ?? 'BACKUP',
    preempt: s.preempt ?? true,
    preemptDelayMs: millis(s.preemptDelayMs ?? 0),
    acceptMode: false,
    advertAddresses: vipsFor(family, s.vrid, s.vipCount ?? 1),
    auth: s.password !== undefined && version === 2 ? { type: 'pass', password: s.password } : { type: 'none' },
    garp: { ...DEFAULT_GARP, ...s.garp },
    lowerPrioNoAdvert: s.lowerPrioNoAdvert ?? false,
    higherPrioSendAdvert: s.higherPrioSendAdvert ?? false,
    downTimerAdverts: 3,
    skipCheckAdvAddr: false,
    checkUnicastSrc: s.checkUnicastSrc ?? false,
    unicastPeers: (s.unicastPeers ?? []).map((i) => routerAddress(family, i)),
    trackers: s.trackers ?? [],
    dontTrackPrimary: false,
    initFail: false,
    syncGroup: s.syncGroup ?? null,
  };
}

/** The multicast group VRRP is sent to (RFC 9568 §5.1.1.2 / §5.1.2.2). */
export function vrrpGroup(family: Family): string {
  return family === 4 ? '224.0.0.18' : 'ff02::12';
}
