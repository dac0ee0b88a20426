// Branded time units. Only this file converts between them (STYLE rule 6):
// wire units (v2 seconds, v3 centiseconds) never leak past packet.ts/keywords.ts.
export type Millis = number & { readonly __unit: 'ms' };
export type Centis = number & { readonly __unit: 'cs' };
export type Seconds = number & { readonly __unit: 's' };

export const millis = (n: number): Millis => n as Millis;
export const centis = (n: number): Centis => n as Centis;
export const seconds = (n: number): Seconds => n as Seconds;

export const centisToMillis = (c: Centis): Millis => (c * 10) as Millis;
export const secondsToMillis = (s: Seconds): Millis => Math.round(s * 1000) as Millis;
/** Rounds to the nearest centisecond, as keepalived does for advert_int. */
export const millisToCentis = (m: Millis): Centis => Math.round(m / 10) as Centis;
/** v2 wire interval: whole seconds (rounded down, at least 1). */
export const millisToWholeSeconds = (m: Millis): Seconds => Math.max(1, Math.floor(m / 1000)) as Seconds;
