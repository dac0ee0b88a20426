// Turns the capture.sh pcap into test/golden/vrrp/<scenario>.json: the first
// advert and the first priority-0 goodbye per VRID, as full IP packets in hex.
// Reads only raw header bytes here (never our codec), so the fixtures do not
// depend on the code they test. Expected values come from the scenario table
// capture.sh wrote next to the keepalived config.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpv4, formatIpv6 } from '../../../src/base/ip.ts';
import { ipFromEthernet, LINKTYPE_ETHERNET, readPcap, toHex } from '../../lib/pcap.ts';

interface Scenario { name: string; vrid: number; priority: number; [k: string]: unknown }

const [pcapPath, expectedPath, outDir] = process.argv.slice(2);
if (!pcapPath || !expectedPath || !outDir) throw new Error('usage: pcap-to-golden.ts PCAP EXPECTED_JSON OUT_DIR');
const scenarios = JSON.parse(readFileSync(expectedPath, 'utf8')) as Scenario[];
const { linkType, records } = readPcap(new Uint8Array(readFileSync(pcapPath)));
if (linkType !== LINKTYPE_ETHERNET) throw new Error(`expected an Ethernet capture, got linktype ${linkType}`);

interface Packet { kind: 'advert' | 'goodbye'; ipHex: string; src: string; dst: string; ttl: number }
const first = new Map<string, Packet>();
for (const r of records) {
  const ip = ipFromEthernet(r.data);
  if (!ip) continue;
  const v6 = ip[0]! >> 4 === 6;
  const headerLen = v6 ? 40 : (ip[0]! & 0x0f) * 4;
  if ((v6 ? ip[6] : ip[9]) !== 112) continue;
  const vrid = ip[headerLen + 1]!;
  const kind = ip[headerLen + 2] === 0 ? 'goodbye' : 'advert';
  const key = `${vrid}/${kind}`;
  if (first.has(key)) continue;
  first.set(key, {
    kind,
    ipHex: toHex(ip),
    src: v6 ? formatIpv6(ip, 8) : formatIpv4(ip, 12),
    dst: v6 ? formatIpv6(ip, 24) : formatIpv4(ip, 16),
    ttl: v6 ? ip[7]! : ip[8]!,
  });
}

mkdirSync(outDir, { recursive: true });
for (const s of scenarios) {
  const packets = (['advert', 'goodbye'] as const).map((kind) => {
    const p = first.get(`${s.vrid}/${kind}`);
    if (!p) throw new Error(`no ${kind} captured for ${s.name} (vrid ${s.vrid})`);
    const { name: _name, ...fields } = s;
    return { ...p, expected: { ...fields, priority: kind === 'goodbye' ? 0 : s.priority } };
  });
  const file = join(outDir, `${s.name}.json`);
  writeFileSync(file, JSON.stringify({ scenario: s.name, source: 'keepalived 2.2.7 (Debian), see README.md', packets }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
