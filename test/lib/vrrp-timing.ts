// RFC 5798 (VRRPv3) timer formulas, for tests that assert when a backup takes
// over. Kept apart from src/ on purpose: the tests must not take the daemon's
// own arithmetic as the truth they check it against.

/** Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256. */
export function skewTimeMs(advertIntervalMs: number, priority: number): number {
  return ((256 - priority) * advertIntervalMs) / 256;
}

/** Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
export function masterDownIntervalMs(advertIntervalMs: number, priority: number): number {
  return 3 * advertIntervalMs + skewTimeMs(advertIntervalMs, priority);
}
