// What the protocol says should happen, written from the documents, not from
// the core: a second implementation to compare against, in a different shape.
//
// Priority: `man keepalived.conf` (2.2.7), track_interface/track_script/
// track_file "weight <-253..253> [reverse]": "its priority will be increased
// by the weight when the interface is up (for positive weights), or decreased
// by the weight's absolute value when the interface is down (for negative
// weights), unless reverse is specified, in which case the direction of
// adjustment of the priority is reversed"; "0 is the default behaviour which
// means that a failure implies a FAULT state"; "'weight 0 reverse' will cause
// the vrrp instance to be down when the [tracked object] is up, and vice
// versa"; the result is "limited to the range [1,254]"; "if an instance has
// priority 255 configured, the priority cannot be reduced by track_scripts
// ... and likewise track_scripts etc cannot increase the priority to 255".
// The one way an owner leaves 255 is keepalived's CONFIGURATION ERROR: a
// MASTER owner that hears another router advertise 255 drops to 254
// (vrrp_state_master_rx); the checker sees that advert arrive and passes
// `demoted`.
import type { InstanceConfig } from '../../src/vrrp/types.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import { MAX_DRIFT } from './clock.ts';

export interface Expected {
  readonly priority: number;
  readonly fault: boolean;
}

type Effect = 'raise' | 'lower' | 'fault' | 'none';
type Sign = 'positive' | 'negative' | 'zero';

/**
 * The man page's sentences as a table: (sign of the weight, reverse, tracker
 * state) → what happens to the instance. "raise"/"lower" move the priority by
 * the weight's absolute value. A tracker that has not reported yet does
 * nothing (`init_fail` aside: then an unreported weight-0 tracker faults).
 */
const EFFECTS: Readonly<Record<`${Sign} ${'plain' | 'reverse'} ${'up' | 'down'}`, Effect>> = {
  'positive plain up': 'raise',
  'positive plain down': 'none',
  'positive reverse up': 'lower',
  'positive reverse down': 'none',
  'negative plain up': 'none',
  'negative plain down': 'lower',
  'negative reverse up': 'none',
  'negative reverse down': 'raise',
  'zero plain up': 'none',
  'zero plain down': 'fault',
  'zero reverse up': 'fault',
  'zero reverse down': 'none',
};

const OWNER = 255;
const FLOOR = 1;
const CEILING = 254;

export function expectedPriority(cfg: InstanceConfig, reported: ReadonlyMap<string, boolean>, demoted = false): Expected {
  let raised = 0;
  let lowered = 0;
  let fault = false;
  for (const t of cfg.trackers) {
    const state = reported.get(t.id);
    const sign: Sign = t.weight > 0 ? 'positive' : t.weight < 0 ? 'negative' : 'zero';
    if (state === undefined) {
      if (sign === 'zero' && cfg.initFail) fault = true;
      continue;
    }
    const effect = EFFECTS[`${sign} ${t.reverse ? 'reverse' : 'plain'} ${state ? 'up' : 'down'}`];
    if (effect === 'fault') fault = true;
    else if (effect === 'raise') raised += Math.abs(t.weight);
    else if (effect === 'lower') lowered += Math.abs(t.weight);
  }
  if (cfg.priority === OWNER) return { priority: demoted ? OWNER - 1 : OWNER, fault };
  const sum = cfg.priority + raised - lowered;
  return { priority: sum < FLOOR ? FLOOR : sum > CEILING ? CEILING : sum, fault };
}

/**
 * Whether a backup or master of `cfg` processes `a` at all (RFC 9568 §7.1 and
 * RFC 3768 §7.1: version, VRID, v2 interval and authentication, and the
 * address list, which keepalived checks unless skip_check_adv_addr). The
 * simulator's frames are never malformed otherwise (corrupted copies are
 * caught by the codec before this).
 */
export function wouldProcess(cfg: InstanceConfig, a: Advert, src: string): boolean {
  if (a.version !== cfg.version || a.family !== cfg.family || a.vrid !== cfg.vrid) return false;
  if (src === cfg.primaryAddress) return false;
  if (cfg.checkUnicastSrc && cfg.unicastPeers.length > 0 && !cfg.unicastPeers.includes(src)) return false;
  if (cfg.version === 2) {
    if (a.advertIntervalCs * 10 !== cfg.advertIntervalMs) return false;
    const wantType = cfg.auth.type === 'pass' ? 1 : cfg.auth.type === 'ah' ? 2 : 0;
    if (a.authType !== wantType) return false;
    if (cfg.auth.type === 'pass' && a.authData.replace(/\0+$/, '') !== cfg.auth.password.slice(0, 8)) return false;
  }
  if (!cfg.skipCheckAdvAddr) {
    if (a.addresses.length !== cfg.advertAddresses.length) return false;
    const want = new Set(cfg.advertAddresses);
    if (!a.addresses.every((x) => want.has(x))) return false;
  }
  return true;
}

/** Master_Adver_Interval as an advert teaches it (RFC 9568 §6.4.2: v3 carries it; v2 must equal ours). */
export function advertisedIntervalMs(cfg: InstanceConfig, a: Advert): number {
  return cfg.version === 3 ? a.advertIntervalCs * 10 : cfg.advertIntervalMs;
}

/** Skew_Time in ms: v2 (256 − p)/256 s; v3 (256 − p) × interval / 256. */
export function skewMs(cfg: InstanceConfig, priority: number, masterIntervalMs: number = cfg.advertIntervalMs): number {
  return ((256 - priority) * (cfg.version === 2 ? 1000 : masterIntervalMs)) / 256;
}

export function masterDownMs(cfg: InstanceConfig, priority: number, masterIntervalMs: number = cfg.advertIntervalMs): number {
  return cfg.downTimerAdverts * masterIntervalMs + skewMs(cfg, priority, masterIntervalMs);
}

/** A local-clock duration as global time, at the slowest and fastest legal drift. */
export function globalSpan(localMs: number): { min: number; max: number } {
  return { min: localMs / (1 + MAX_DRIFT), max: localMs / (1 - MAX_DRIFT) };
}

/**
 * Whether `master` is a legitimate stable master among `eligible` peers
 * (RFC 9568 §6.4.2): a backup takes over only when preempting is on (always
 * for an owner) and its priority is strictly higher. Equal priority never
 * preempts; the address tie-break only settles two simultaneous masters.
 */
export function isLegitMaster(master: number, eligible: ReadonlyArray<{ id: number; cfg: InstanceConfig; priority: number }>): boolean {
  const m = eligible.find((e) => e.id === master);
  if (!m) return false;
  return eligible.every((e) => e.id === master || !(e.priority > m.priority && (e.cfg.preempt || e.priority === 255)));
}
