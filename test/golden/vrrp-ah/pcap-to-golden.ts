// Turns the capture.sh pcap into test/golden/vrrp-ah/<scenario>.json: per
// VRID the first advert, the second (to show the sequence number step) and
// the first priority-0 goodbye, as full IPv4 packets in hex. Reads raw header
// bytes only (never the codec under test); the expected advert values come
// from the scenario table capture.sh wrote next to the keepalived config.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpv4 } from '../../../src/base/ip.ts';
import { ipFromEthernet, LINKTYPE_ETHERNET, readPcap, toHex } from '../../lib/pcap.ts';

interface Scenario { name: string; vrid: number; password: string; unicast: boolean; advert: { priority: number; [k: string]: unknown } }

const [pcapPath, expectedPath, outDir] = process.argv.slice(2);
if (!pcapPath || !expectedPath || !outDir) throw new Error('usage: pcap-to-golden.ts PCAP EXPECTED_JSON OUT_DIR');
const scenarios = JSON.parse(readFileSync(expectedPath, 'utf8')) as Scenario[];
const { linkType, records } = readPcap(new Uint8Array(readFileSync(pcapPath)));
if (linkType !== LINKTYPE_ETHERNET) throw new Error(`expected an Ethernet capture, got linktype ${linkType}`);

const AH_LEN = 24;
interface Packet { kind: string; ipHex: string; src: string; dst: string; ttl: number; ipId: number; spi: string; seq: number }
const byVrid = new Map<number, Packet[]>();
for (const r of records) {
  const ip = ipFromEthernet(r.data);
  if (!ip || ip[0]! >> 4 !== 4 || ip[9] !== 51) continue;
  const ah = (ip[0]! & 0x0f) * 4;
  const vrid = ip[ah + AH_LEN + 1]!;
  const list = byVrid.get(vrid) ?? [];
  const goodbye = ip[ah + AH_LEN + 2] === 0;
  const adverts = list.filter((p) => p.kind !== 'goodbye').length;
  if (goodbye ? list.some((p) => p.kind === 'goodbye') : adverts >= 2) continue;
  const view = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
  list.push({
    kind: goodbye ? 'goodbye' : adverts === 0 ? 'advert' : 'advert2',
    ipHex: toHex(ip),
    src: formatIpv4(ip, 12),
    dst: formatIpv4(ip, 16),
    ttl: ip[8]!,
    ipId: view.getUint16(4),
    spi: formatIpv4(ip, ah + 4),
    seq: view.getUint32(ah + 8),
  });
  byVrid.set(vrid, list);
}

mkdirSync(outDir, { recursive: true });
for (const s of scenarios) {
  const list = byVrid.get(s.vrid) ?? [];
  const packets = ['advert', 'advert2', 'goodbye'].map((kind) => {
    const p = list.find((x) => x.kind === kind);
    if (!p) throw new Error(`no ${kind} captured for ${s.name} (vrid ${s.vrid})`);
    return { ...p, expected: { ...s.advert, priority: kind === 'goodbye' ? 0 : s.advert.priority } };
  });
  const file = join(outDir, `${s.name}.json`);
  const doc = { scenario: s.name, source: 'keepalived 2.2.7 (Debian), see README.md', password: s.password, unicast: s.unicast, packets };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
