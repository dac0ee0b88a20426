// Netlink attribute bytes for what the netlink package leaves raw (IFLA_LINKINFO,
// IFLA_LINK, IFLA_AF_SPEC), and MAC text <-> bytes. Pure: no sockets here.

/** Encodes rtattrs (type, payload) with 4-byte alignment, for the attributes the package leaves raw. */
export function encodeAttrs(attrs: ReadonlyArray<readonly [number, Uint8Array]>): Buffer {
  const parts: Buffer[] = [];
  for (const [type, payload] of attrs) {
    const len = 4 + payload.length;
    const out = Buffer.alloc((len + 3) & ~3);
    out.writeUInt16LE(len, 0);
    out.writeUInt16LE(type, 2);
    out.set(payload, 4);
    parts.push(out);
  }
  return Buffer.concat(parts);
}

/** Decodes one level of rtattrs into type → payload (last one wins). */
export function decodeAttrs(buf: Uint8Array): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let off = 0; off + 4 <= b.length; ) {
    const len = b.readUInt16LE(off);
    if (len < 4 || off + len > b.length) break;
    out.set(b.readUInt16LE(off + 2) & 0x3fff, b.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}

export const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
export const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);

export const macText = (b: Buffer | undefined): string | null =>
  b && b.length === 6 ? [...b].map((x) => x.toString(16).padStart(2, '0')).join(':') : null;
/** aa:bb:cc:dd:ee:ff → 6 bytes, or null if the text is not a MAC. */
export function parseMac(text: string): Buffer | null {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) return null;
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}
