// The typed, fully defaulted configuration (keepalived's defaults). Every
// duration is Millis; the wire units live in keywords*.ts only.
import type { Family } from '../base/ip.ts';
import type { Millis } from '../base/units.ts';

export interface Where {
  readonly file: string;
  readonly line: number;
}

/** A command as configured, and the argv keepalived would build from it. */
export interface ScriptCommand {
  readonly command: string;
  readonly argv: readonly string[];
  readonly user: string | null;
  readonly group: string | null;
  /** The line of the keyword that set the command, for -t's file:line. */
  readonly where: Where;
  /** A vrrp_script's `user` line (keepalived reports an unknown user there); else null. */
  readonly userWhere: Where | null;
}

export interface Fifo {
  readonly path: string;
  readonly user: string | null;
  readonly group: string | null;
  readonly script: ScriptCommand | null;
}

export interface GlobalDefs {
  readonly routerId: string | null;
  readonly vrrpVersion: 2 | 3;
  readonly garpMasterDelayMs: Millis;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshMs: Millis | null;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelayMs: Millis | null; // null: same as garpMasterDelayMs
  readonly garpLowerPrioRepeat: number | null; // null: same as garpMasterRepeat
  readonly garpIntervalMs: Millis;
  readonly gnaIntervalMs: Millis;
  readonly downTimerAdverts: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly strict: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly mcastGroup4: string;
  readonly mcastGroup6: string;
  readonly scriptUser: string | null;
  readonly scriptGroup: string | null;
  readonly scriptUserWhere: Where | null;
  readonly enableScriptSecurity: boolean;
  readonly notifyFifo: Fifo | null;
  readonly vrrpNotifyFifo: Fifo | null;
  readonly vrrpNotifyPriorityChanges: boolean;
  readonly vrrpStartupDelayMs: Millis;
  readonly maxAutoPriority: number | null;
  readonly dynamicInterfaces: boolean;
  readonly defaultInterface: string | null;
  readonly smtpAlert: boolean;
  readonly smtpAlertVrrp: boolean | null;
}

export interface VrrpScript {
  readonly name: string;
  readonly where: Where;
  readonly script: ScriptCommand | null;
  readonly intervalMs: Millis;
  readonly timeoutMs: Millis;
  readonly weight: number;
  readonly weightReverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
}

export interface TrackFile {
  readonly name: string;
  readonly where: Where;
  readonly file: string | null;
  readonly weight: number;
  readonly weightReverse: boolean;
  /** init_file: value written at start-up; null if not configured. */
  readonly initValue: number | null;
  readonly initOverwrite: boolean;
}

export interface TrackProcess {
  readonly name: string;
  readonly where: Where;
  readonly process: readonly string[];
  readonly paramMatch: 'exact' | 'initial' | 'partial';
  readonly weight: number;
  readonly weightReverse: boolean;
  readonly quorum: number;
  readonly quorumMax: number;
  readonly forkDelayMs: Millis;
  readonly terminateDelayMs: Millis;
  readonly fullCommand: boolean;
}

export type TrackKind = 'script' | 'interface' | 'file' | 'process';

/** A track_* entry of an instance or a sync group, resolved against its definition. */
export interface TrackEntry {
  readonly kind: TrackKind;
  readonly name: string;
  readonly where: Where;
  /** The effective weight (the entry's own, else the definition's). */
  readonly weight: number;
  readonly reverse: boolean;
}

export interface VirtualAddress {
  readonly address: string; // canonical
  readonly family: Family;
  readonly prefixLength: number;
  readonly broadcast: string | null;
  readonly dev: string | null;
  readonly scope: string | null;
  readonly label: string | null;
  readonly peer: string | null;
  readonly noTrack: boolean;
  readonly noDad: boolean;
  readonly noPrefixRoute: boolean;
  readonly home: boolean;
  readonly mngTmpAddr: boolean;
  readonly autoJoin: boolean;
  readonly useVmac: boolean;
  /** null: kernel default (keepalived sets 0 for /128 IPv6 unless 'forever'). */
  readonly preferredLft: number | 'forever' | null;
  readonly where: Where;
}

/** Routes and rules are kept as words: the netlink layer parses them. */
export interface RouteOrRule {
  readonly words: readonly string[];
  readonly family: Family | null;
  readonly noTrack: boolean;
  readonly where: Where;
}

export interface UnicastPeer {
  readonly address: string;
  readonly minTtl: number | null;
  readonly maxTtl: number | null;
}

export interface NotifyScripts {
  readonly master: ScriptCommand | null;
  readonly backup: ScriptCommand | null;
  readonly fault: ScriptCommand | null;
  readonly stop: ScriptCommand | null;
  readonly deleted: ScriptCommand | null;
  readonly any: ScriptCommand | null; // `notify`
  readonly masterRxLowerPri: ScriptCommand | null;
}

export interface VrrpInstance {
  readonly name: string;
  readonly where: Where;
  readonly family: Family;
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly interface: string | null;
  /** Where `interface` was given (null: not given). */
  readonly interfaceWhere: Where | null;
  readonly vrid: number;
  readonly priority: number;
  readonly advertIntervalMs: Millis;
  readonly version: 2 | 3;
  readonly auth: { readonly type: 'none' } | { readonly type: 'pass' | 'ah'; readonly password: string };
  readonly virtualAddresses: readonly VirtualAddress[];
  readonly excludedAddresses: readonly VirtualAddress[];
  readonly virtualRoutes: readonly RouteOrRule[];
  readonly virtualRules: readonly RouteOrRule[];
  readonly tracks: readonly TrackEntry[];
  readonly unicastSrcIp: string | null;
  readonly mcastSrcIp: string | null;
  readonly mcastDstIp: string | null;
  readonly unicastPeers: readonly UnicastPeer[];
  readonly unicastTtl: number;
  readonly unicastFaultNoPeer: boolean;
  readonly preempt: boolean;
  readonly preemptDelayMs: Millis;
  readonly garpMasterDelayMs: Millis;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshMs: Millis | null;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelayMs: Millis;
  readonly garpLowerPrioRepeat: number;
  readonly downTimerAdverts: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly notify: NotifyScripts;
  readonly notifyPriorityChanges: boolean;
  readonly smtpAlert: boolean;
  readonly acceptMode: boolean;
  readonly dontTrackPrimary: boolean;
  readonly useVmac: { readonly ifname: string | null; readonly mac: string | null } | null;
  readonly vmacXmitBase: boolean;
  readonly nativeIpv6: boolean;
  readonly checkUnicastSrc: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly strictMode: boolean;
  readonly trackSrcIp: boolean;
  readonly promoteSecondaries: boolean;
  readonly debugLevel: number;
  readonly syncGroup: string | null;
}

export interface SyncGroup {
  readonly name: string;
  readonly where: Where;
  readonly members: readonly string[];
  readonly tracks: readonly TrackEntry[];
  readonly notify: NotifyScripts;
  readonly notifyPriorityChanges: boolean;
  readonly smtpAlert: boolean;
  readonly globalTracking: boolean;
  readonly syncGroupTrackingWeight: boolean;
}

export interface Config {
  readonly global: GlobalDefs;
  readonly scripts: readonly VrrpScript[];
  readonly trackFiles: readonly TrackFile[];
  readonly trackProcesses: readonly TrackProcess[];
  readonly instances: readonly VrrpInstance[];
  readonly syncGroups: readonly SyncGroup[];
  readonly staticAddresses: readonly VirtualAddress[];
  readonly staticRoutes: readonly RouteOrRule[];
  readonly staticRules: readonly RouteOrRule[];
}
