// The only clock the daemon reads: monotonic, in milliseconds. Wall-clock
// jumps (NTP, suspend) never move a VRRP deadline.
import { performance } from 'node:perf_hooks';
import { millis, type Millis } from '../base/units.ts';

export interface Clock {
  now(): Millis;
}

export const monotonicClock: Clock = {
  now: () => millis(performance.now()),
};
