// The Internet checksum (RFC 1071) as two steps, so a caller can add a
// pseudo-header and a message without copying them into one buffer.

/**
 * Adds bytes[start, end) as big-endian 16-bit words to a running sum; an odd
 * last byte is padded with zero. The sum is left unfolded: callers stay far
 * below 2^53 (a VRRP message is at most a few kilobytes).
 */
export function addWords(bytes: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds the carries back in and complements: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** A message whose checksum field is filled in sums to 0xffff, i.e. finishes to 0. */
export function checksumIsValid(sum: number): boolean {
  return finishChecksum(sum) === 0;
}
