// track_file semantics as values (keepalived trackers/track_file.c,
// vrrp_track.c; `man keepalived.conf`, "Track files"). Pure.
//
// - The file holds a number in text. keepalived reads at most 127 bytes and
//   parses them with strtol(base 0): leading white space, a sign, 0x for
//   hex, a leading 0 for octal, digits up to the first non-digit; no digits
//   at all reads as 0. A missing, empty or deleted file reads as 0. A number
//   outside [-2^31, 2^31] is ignored (the previous value stays).
// - Per tracking instance, weight 0: a non-zero value faults the instance
//   (with `reverse`, a zero value faults it). Otherwise value × weight
//   (× -1 with `reverse`) is added to the priority; a product <= -254 faults
//   the instance; a product above 253 counts as 253. The effective priority
//   is then clamped to 1..254 by the priority code, and an owner (255) must
//   use weight 0. Those rules are the core's (vrrp/priority.ts,
//   fileContribution); this file turns the file's text into the value.

export const TRACK_FILE_READ_BYTES = 127;
const INT32_MIN = -2147483648;
const INT32_MAX_PLUS_ONE = 2147483648;
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** strtol(text, NULL, 0) on the first 127 characters; null = out of range, keepalived ignores the read. */
export function parseTrackFileValue(raw: string): number | null {
  const text = raw.slice(0, TRACK_FILE_READ_BYTES);
  let i = 0;
  while (i < text.length && ' \t\n\v\f\r'.includes(text[i]!)) i++;
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') sign = text[i++] === '-' ? -1 : 1;
  let base = 10;
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && /^[0-9a-fA-F]$/.test(text[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (text[i] === '0') {
    base = 8;
  }
  let value = 0;
  for (; i < text.length; i++) {
    const d = DIGITS.indexOf(text[i]!.toLowerCase());
    if (d < 0 || d >= base) break;
    value = value * base + d;
    // Far outside the accepted range already: stop before losing precision.
    if (value > 2 * INT32_MAX_PLUS_ONE) return null;
  }
  const signed = sign * value;
  if (signed < INT32_MIN || signed > INT32_MAX_PLUS_ONE) return null;
  return signed === 0 ? 0 : signed; // no -0
}

/** The text keepalived writes for init_file: the value and a newline. */
export function initFileText(value: number): string {
  return `${value}\n`;
}
