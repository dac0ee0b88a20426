// The contract of the pure core: what an instance is configured with, the
// events it is fed, and the actions it returns. Nothing here does IO.
// daemon/assemble.ts maps the parsed keepalived Config onto InstanceConfig;
// the simulator builds InstanceConfig directly.
import type { Millis } from '../base/units.ts';
import type { Family } from '../base/ip.ts';
import type { Advert, DropReason, VrrpVersion } from './advert.ts';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

export type Auth =
  | { readonly type: 'none' }
  | { readonly type: 'pass'; readonly password: string } // v2 only, ≤ 8 bytes
  | { readonly type: 'ah'; readonly password: string }; // v2 over IPv4 only; framed and checked at the edge (docs/ah-authentication.md)

/** A tracker as the instance sees it: keepalived's weight semantics. */
export interface TrackerRef {
  readonly id: string; // e.g. 'script:chk_haproxy', 'interface:eth1', 'file:/run/x'
  /** 0: a failure puts the instance in FAULT. >0: added while up. <0: added while down. */
  readonly weight: number;
  /** keepalived `reverse`: the sign of the weight flips ("decreased when up, increased when down"); weight 0 faults while up. */
  readonly reverse: boolean;
  /** 'state' (default): up/down, e.g. scripts and interfaces. 'value': track_file, value × weight. */
  readonly kind?: 'state' | 'value';
}

export interface GarpConfig {
  readonly masterDelayMs: Millis; // garp_master_delay (default 5 s): second burst after becoming MASTER
  readonly masterRepeat: number; // garp_master_repeat (default 5) GARPs per burst
  readonly masterRefreshMs: Millis | null; // garp_master_refresh (default off)
  readonly masterRefreshRepeat: number; // garp_master_refresh_repeat (default 1)
  readonly lowerPrioDelayMs: Millis | null; // garp_lower_prio_delay (default = masterDelay)
  readonly lowerPrioRepeat: number | null; // garp_lower_prio_repeat (default = masterRepeat)
}

export interface InstanceConfig {
  readonly name: string; // keepalived's instance name, e.g. VI_1
  readonly vrid: number; // 1..255
  readonly family: Family;
  readonly version: VrrpVersion;
  readonly ifname: string;
  /** Our primary address on the interface (or mcast_src_ip/unicast_src_ip): tie-break and v3 pseudo-header. */
  readonly primaryAddress: string;
  readonly priority: number; // configured base, 1..255 (255 = address owner)
  readonly advertIntervalMs: Millis;
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly preempt: boolean; // false with nopreempt
  readonly preemptDelayMs: Millis; // 0 = none
  readonly acceptMode: boolean;
  /** Addresses carried in our adverts (the VIPs, not the eVIPs); keepalived also checks them on receive. */
  readonly advertAddresses: readonly string[];
  readonly auth: Auth;
  readonly garp: GarpConfig;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly downTimerAdverts: number; // default 3
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly unicastPeers: readonly string[]; // empty = multicast
  readonly trackers: readonly TrackerRef[];
  readonly dontTrackPrimary: boolean;
  /** Not in this build's core: keepalived's init_fail starts the instance in FAULT until trackers report. */
  readonly initFail: boolean;
  readonly syncGroup: string | null;
}

// ---- events in ----

/**
 * A config reload (SIGHUP) restarts the instance in the state the previous
 * configuration's instance had, as keepalived does: a MASTER stays MASTER
 * (advert at once, VIPs kept; GARP/NA only if `announce`, i.e. it gained
 * VIPs), a BACKUP stays BACKUP with a fresh Master_Down timer.
 */
export interface Resume {
  readonly state: 'MASTER' | 'BACKUP';
  readonly announce: boolean;
}

/**
 * The state a sync group starts its members from (keepalived's
 * vrrp_sync_set_group and vrrp_init_state): FAULT if any member starts with a
 * fault of its own, MASTER if every member is an address owner with
 * `state MASTER`, BACKUP otherwise.
 */
export type SyncStart = 'MASTER' | 'BACKUP' | 'FAULT';

export type InstanceEvent =
  | { readonly type: 'start'; readonly resume?: Resume; readonly group?: SyncStart }
  /** A decoded advert that passed the edge's TTL check. `src` is the sender's address. */
  | { readonly type: 'advert'; readonly advert: Advert; readonly src: string }
  /** Call on timer expiry; safe to call spuriously. */
  | { readonly type: 'timeout' }
  | { readonly type: 'tracker'; readonly id: string; readonly up: boolean }
  /** A value tracker (track_file) read `value`. */
  | { readonly type: 'trackerValue'; readonly id: string; readonly value: number }
  /** The instance's own interface (carrier/admin). */
  | { readonly type: 'interface'; readonly up: boolean }
  /** Our advert source address changed (the interface got its address after start-up). */
  | { readonly type: 'address'; readonly primary: string }
  /** Graceful stop: a MASTER sends priority 0 and releases its VIPs. */
  | { readonly type: 'shutdown' };

// ---- actions out ----

export type TransitionReason =
  | 'startup' // INIT -> BACKUP only (keepalived's "Entering BACKUP STATE (init)")
  | 'masterDown' // Master_Down timer expired
  | 'priorityZero' // master left (priority 0 advert)
  | 'preempt' // we have higher priority than the master we hear
  | 'higherPriorityAdvert' // a MASTER hears a better one
  | 'owner' // priority 255 goes MASTER at once
  | 'fault' // interface down or weight-0 tracker failed
  | 'faultCleared'
  | 'syncGroup'
  | 'shutdown'
  | 'reload'; // SIGHUP: the instance carries on in the state it had (silent: no log line, no notify)

export type Action =
  /** Send an advert now (the edge encodes it with the instance's ends). */
  | { readonly type: 'send'; readonly advert: Advert }
  | { readonly type: 'addVips' }
  | { readonly type: 'removeVips' }
  /** Gratuitous ARP / unsolicited NA for every VIP, `count` times now (spaced by vrrp_garp_interval at the edge). */
  | { readonly type: 'announce'; readonly count: number; readonly reason: 'becameMaster' | 'delayed' | 'refresh' | 'lowerPriority' }
  | { readonly type: 'transition'; readonly from: VrrpState; readonly to: VrrpState; readonly reason: TransitionReason; readonly priority: number }
  /** `msg`: keepalived's words for the drop, when the core has them; the edge logs it, rate-limited. */
  | { readonly type: 'drop'; readonly reason: DropReason; readonly src: string; readonly msg?: string }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'debug'; readonly msg: string };

/** Counters per instance; names follow RFC 6527 (vrrpv3Statistics) where one exists. */
export interface InstanceStats {
  masterTransitions: number;
  advertisementsReceived: number;
  advertisementsSent: number;
  priorityZeroReceived: number;
  priorityZeroSent: number;
  drops: Partial<Record<DropReason, number>>;
}
