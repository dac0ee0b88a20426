// Allocation-free IP text <-> wire bytes for the packet hot path. Each
// function accepts exactly what its ip.ts counterpart accepts and formats as
// it formats (test/unit/packet-ipv4.test.ts checks this with fast-check);
// ip.ts stays the readable reference.
import { parseIpv6 } from './ip.ts';

/** The address as an unsigned 32-bit number, or -1 if it is not dotted-quad IPv4. */
export function parseIpv4Word(text: string): number {
  const len = text.length;
  if (len < 7 || len > 15) return -1;
  let word = 0;
  let field = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      field = field * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || field > 255 || ++dots > 3) return -1;
      word = word * 256 + field;
      field = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0 || field > 255) return -1;
  return word * 256 + field;
}

const OCTETS: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

export function formatIpv4Fast(b: Uint8Array, offset: number): string {
  return `${OCTETS[b[offset]!]}.${OCTETS[b[offset + 1]!]}.${OCTETS[b[offset + 2]!]}.${OCTETS[b[offset + 3]!]}`;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses IPv6 text; writes the 16 bytes at out[at] when `out` is given and
 * returns the sum of the eight 16-bit words (what a checksum needs), or -1 if
 * the text is not an address. Plain hex-and-colon text takes the fast path;
 * anything else (an IPv4 tail, a %zone) goes through ip.ts parseIpv6.
 */
export function scanIpv6(text: string, out: Uint8Array | null, at: number): number {
  const len = text.length;
  let words = 0; // groups seen so far
  let gapAt = -1; // word index where '::' stands
  let group = 0;
  let digits = 0;
  let sum = 0;
  if (len < 2 || len > 39) return scanIpv6Slow(text, out, at);
  for (let i = 0; i <= len; i++) {
    const c = i < len ? text.charCodeAt(i) : 58; // a virtual ':' ends the last group
    const h = hexValue(c);
    if (h >= 0) {
      if (++digits > 4) return -1;
      group = (group << 4) | h;
      continue;
    }
    if (c !== 58) return scanIpv6Slow(text, out, at);
    if (digits === 0) {
      // An empty group is legal only as the two halves of one '::'.
      if (i === len) { if (gapAt !== words || i < 2 || text.charCodeAt(i - 2) !== 58) return -1; continue; }
      if (i === 0) { if (text.charCodeAt(1) !== 58) return -1; continue; }
      if (gapAt >= 0 || text.charCodeAt(i - 1) !== 58) return -1;
      gapAt = words;
      continue;
    }
    if (words === 8) return -1;
    if (out) { out[at + 2 * words] = group >> 8; out[at + 2 * words + 1] = group & 0xff; }
    sum += group;
    words++;
    group = 0;
    digits = 0;
  }
  if (gapAt < 0 ? words !== 8 : words > 7) return -1;
  if (out && gapAt >= 0) {
    const tail = 2 * (words - gapAt);
    out.copyWithin(at + 16 - tail, at + 2 * gapAt, at + 2 * words);
    out.fill(0, at + 2 * gapAt, at + 16 - tail);
  }
  return sum;
}

function scanIpv6Slow(text: string, out: Uint8Array | null, at: number): number {
  const bytes = parseIpv6(text);
  if (bytes === null) return -1;
  if (out) out.set(bytes, at);
  let sum = 0;
  for (let i = 0; i < 16; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  return sum;
}

/** RFC 5952 text of 16 bytes at b[offset], as ip.ts formatIpv6 writes it. */
export function formatIpv6Fast(b: Uint8Array, offset: number): string {
  // The longest run of two or more zero words (the first of equals) becomes '::'.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (b[offset + 2 * i] !== 0 || b[offset + 2 * i + 1] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && b[offset + 2 * j] === 0 && b[offset + 2 * j + 1] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) { s += '::'; i += bestLen - 1; continue; }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += ((b[offset + 2 * i]! << 8) | b[offset + 2 * i + 1]!).toString(16);
  }
  return s;
}
