// Builds the core's InstanceConfig from the parsed keepalived Config and what
// the kernel says about the interfaces. Pure mapping: no IO here, so the
// decisions it encodes (source address, tracker ids, garp defaults) are tested
// without namespaces.
import type { Config, TrackEntry, VrrpInstance } from '../config/model.ts';
import type { Family } from '../base/ip.ts';
import type { InstanceConfig, TrackerRef } from '../vrrp/types.ts';
import type { SyncGroupConfig } from '../vrrp/router.ts';

import type { LinkFacts } from '../net/links.ts';

export interface AssembledInstance {
  readonly core: InstanceConfig;
  readonly model: VrrpInstance;
  /** The interface adverts go out on: the VMAC when use_vmac, else the configured one. */
  readonly ifname: string;
  readonly baseIfname: string;
  readonly family: Family;
  /** Destination of multicast adverts (unused in unicast mode). */
  readonly mcastGroup: string;
}

export function trackerId(kind: TrackEntry['kind'], name: string): string {
  return `${kind}:${name}`;
}

export function vmacName(inst: VrrpInstance): string | null {
  if (!inst.useVmac) return null;
  return inst.useVmac.ifname ?? `vrrp.${inst.vrid}`;
}

function trackers(inst: VrrpInstance, config: Config): TrackerRef[] {
  const ref = (t: TrackEntry): TrackerRef => ({ id: trackerId(t.kind, t.name), weight: t.weight, reverse: t.reverse, kind: t.kind === 'file' ? 'value' : 'state' });
  const refs: TrackerRef[] = inst.tracks.map(ref);
  // Sync-group trackers apply to every member (keepalived: group track_* entries).
  const group = inst.syncGroup ? config.syncGroups.find((g) => g.name === inst.syncGroup) : undefined;
  for (const t of group?.tracks ?? []) refs.push(ref(t));
  return refs;
}

/** The address we advertise from: unicast_src_ip, mcast_src_ip, else the interface's. */
export function sourceAddress(inst: VrrpInstance, link: LinkFacts | undefined): string | null {
  if (inst.unicastSrcIp) return inst.unicastSrcIp;
  if (inst.mcastSrcIp) return inst.mcastSrcIp;
  if (!link) return null;
  return inst.family === 4 ? link.primaryIpv4 : link.linkLocalIpv6;
}

export function interfaceOf(inst: VrrpInstance, config: Config): string {
  return inst.interface ?? config.global.defaultInterface ?? 'eth0';
}

export function assembleInstance(inst: VrrpInstance, config: Config, link: LinkFacts | undefined): AssembledInstance {
  const baseIfname = interfaceOf(inst, config);
  const ifname = vmacName(inst) ?? baseIfname;
  const g = config.global;
  const core: InstanceConfig = {
    name: inst.name,
    vrid: inst.vrid,
    family: inst.family,
    version: inst.version,
    ifname,
    primaryAddress: sourceAddress(inst, link) ?? (inst.family === 4 ? '0.0.0.0' : '::'),
    priority: inst.priority,
    advertIntervalMs: inst.advertIntervalMs,
    initialState: inst.initialState,
    preempt: inst.preempt,
    preemptDelayMs: inst.preemptDelayMs,
    acceptMode: inst.acceptMode,
    advertAddresses: inst.virtualAddresses.map((v) => v.address),
    auth: inst.auth.type === 'none' ? { type: 'none' } : { type: inst.auth.type, password: inst.auth.password },
    garp: {
      masterDelayMs: inst.garpMasterDelayMs,
      masterRepeat: inst.garpMasterRepeat,
      masterRefreshMs: inst.garpMasterRefreshMs,
      masterRefreshRepeat: inst.garpMasterRefreshRepeat,
      lowerPrioDelayMs: inst.garpLowerPrioDelayMs,
      lowerPrioRepeat: inst.garpLowerPrioRepeat,
    },
    lowerPrioNoAdvert: inst.lowerPrioNoAdvert,
    higherPrioSendAdvert: inst.higherPrioSendAdvert,
    downTimerAdverts: inst.downTimerAdverts,
    skipCheckAdvAddr: inst.skipCheckAdvAddr,
    checkUnicastSrc: inst.checkUnicastSrc,
    unicastPeers: inst.unicastPeers.map((p) => p.address),
    trackers: trackers(inst, config),
    dontTrackPrimary: inst.dontTrackPrimary,
    initFail: false,
    syncGroup: inst.syncGroup,
  };
  const mcastGroup = inst.mcastDstIp ?? (inst.family === 4 ? g.mcastGroup4 : g.mcastGroup6);
  return { core, model: inst, ifname, baseIfname, family: inst.family, mcastGroup };
}

export function assembleSyncGroups(config: Config): SyncGroupConfig[] {
  return config.syncGroups.map((g) => ({ name: g.name, members: g.members }));
}

/**
 * What makes an instance of a reloaded config "the same" as a running one, so
 * that it carries on in its state: keepalived's vrrp_exist compares VRID,
 * family, interface, unicast or not (and the unicast source), VMAC, and the
 * multicast group — not the name.
 */
export function identityOf(a: AssembledInstance): string {
  const m = a.model;
  const mode = m.unicastPeers.length > 0 ? `unicast ${m.unicastSrcIp ?? ''}` : `multicast ${a.mcastGroup}`;
  return `${a.baseIfname} IPv${a.family} VRID ${a.core.vrid} ${mode} vmac ${vmacName(m) ?? '-'}`;
}

export const vipKey = (v: { address: string; prefixLength: number; dev: string }): string => `${v.address}/${v.prefixLength} ${v.dev}`;
export const routeKeys = (m: VrrpInstance): string[] => [
  ...m.virtualRoutes.map((r) => `route ${r.words.join(' ')}`),
  ...m.virtualRules.map((r) => `rule ${r.words.join(' ')}`),
];
