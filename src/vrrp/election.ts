// The arithmetic of the election: Skew_Time, Master_Down_Interval and "does
// the remote router win?". Pure functions of their arguments.
//
// RFC 3768 §6.1 (v2): Skew_Time = (256 - Priority) / 256 seconds, whatever the interval.
// RFC 9568 §6.1 (v3): Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256.
// Both: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time;
// keepalived makes the 3 configurable (down_timer_adverts).
import type { Millis } from '../base/units.ts';
import type { VrrpVersion } from './advert.ts';
import { compareIp } from '../base/ip.ts';

const V2_SKEW_BASE_MS = 1000;

export function skewTimeMs(version: VrrpVersion, priority: number, masterAdverIntervalMs: Millis): Millis {
  const base = version === 2 ? V2_SKEW_BASE_MS : masterAdverIntervalMs;
  return (((256 - priority) * base) / 256) as Millis;
}

export function masterDownIntervalMs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalMs: Millis,
  downTimerAdverts: number,
): Millis {
  return (downTimerAdverts * masterAdverIntervalMs + skewTimeMs(version, priority, masterAdverIntervalMs)) as Millis;
}

/**
 * Whether a remote advertiser beats us in a MASTER's eyes: higher priority,
 * or equal priority and a higher primary address (RFC 9568 §6.4.3).
 */
export function remoteWins(remotePriority: number, remoteAddress: string, localPriority: number, localAddress: string): boolean {
  if (remotePriority !== localPriority) return remotePriority > localPriority;
  return compareIp(remoteAddress, localAddress) > 0;
}
