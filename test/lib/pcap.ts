// A tiny libpcap file writer and reader (classic pcap, not pcapng), enough to
// hand our packets to tshark and to read what tcpdump captured. Test-only.

export const LINKTYPE_ETHERNET = 1;
/** Raw IP: each record starts with an IPv4 or IPv6 header (LINKTYPE_RAW). */
export const LINKTYPE_RAW = 101;

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

export interface PcapRecord {
  readonly timeUs: number;
  readonly data: Uint8Array;
}

export function writePcap(linkType: number, packets: readonly Uint8Array[]): Uint8Array {
  const size = 24 + packets.reduce((n, p) => n + 16 + p.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 65535, true); // snaplen
  view.setUint32(20, linkType, true);
  let at = 24;
  packets.forEach((p, i) => {
    view.setUint32(at, 1_700_000_000 + i, true); // distinct, deterministic timestamps
    view.setUint32(at + 8, p.length, true);
    view.setUint32(at + 12, p.length, true);
    out.set(p, at + 16);
    at += 16 + p.length;
  });
  return out;
}

export function readPcap(file: Uint8Array): { linkType: number; records: PcapRecord[] } {
  if (file.length < 24) throw new Error('pcap: file shorter than its header');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicLe = view.getUint32(0, true);
  const magicBe = view.getUint32(0, false);
  const le = magicLe === MAGIC_US || magicLe === MAGIC_NS;
  if (!le && magicBe !== MAGIC_US && magicBe !== MAGIC_NS) throw new Error('pcap: bad magic (pcapng is not supported)');
  const nanos = (le ? magicLe : magicBe) === MAGIC_NS;
  const linkType = view.getUint32(20, le);
  const records: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= file.length) {
    const sec = view.getUint32(at, le);
    const frac = view.getUint32(at + 4, le);
    const incl = view.getUint32(at + 8, le);
    if (at + 16 + incl > file.length) break; // truncated last record (capture killed mid-write)
    records.push({ timeUs: sec * 1e6 + (nanos ? Math.floor(frac / 1000) : frac), data: file.slice(at + 16, at + 16 + incl) });
    at += 16 + incl;
  }
  return { linkType, records };
}

/** The IP packet inside an Ethernet frame (no VLAN tags), trimmed to its IP length; null if not IP. */
export function ipFromEthernet(frame: Uint8Array): Uint8Array | null {
  if (frame.length < 14) return null;
  const etherType = (frame[12]! << 8) | frame[13]!;
  const ip = frame.subarray(14);
  if (etherType === 0x0800 && ip.length >= 20) return ip.subarray(0, (ip[2]! << 8) | ip[3]!);
  if (etherType === 0x86dd && ip.length >= 40) return ip.subarray(0, 40 + ((ip[4]! << 8) | ip[5]!));
  return null;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
