// Allocation-free IPv4 text <-> bytes for the packet hot path. Accepts
// exactly what ip.ts parseIpv4 accepts (four dot-separated decimal fields of
// 1..3 digits, each <= 255) and formats as ip.ts formatIpv4 does.

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
