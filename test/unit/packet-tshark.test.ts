// An independent reader of our bytes: Wireshark's VRRP dissector. We encode
// adverts, wrap them in IP headers as the kernel would send them, and check
// that tshark reads the fields we meant and calls the checksum Good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addWords, finishChecksum } from '../../src/base/checksum.ts';
import { parseIp } from '../../src/base/ip.ts';
import { centis } from '../../src/base/units.ts';
import type { Advert, PacketEnds } from '../../src/vrrp/advert.ts';
import { encodeAdvert, IPPROTO_VRRP } from '../../src/vrrp/packet.ts';
import { LINKTYPE_RAW, writePcap } from '../lib/pcap.ts';

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const skip = hasTshark ? false : 'tshark not installed (apt-get install tshark); CI has it';

function ipPacket(ends: PacketEnds, payload: Uint8Array): Uint8Array {
  const src = parseIp(ends.src)!.bytes;
  const dst = parseIp(ends.dst)!.bytes;
  if (src.length === 16) {
    const h = new Uint8Array(40 + payload.length);
    h[0] = 0x60;
    h[4] = payload.length >> 8;
    h[5] = payload.length & 0xff;
    h[6] = IPPROTO_VRRP;
    h[7] = 255; // hop limit
    h.set(src, 8);
    h.set(dst, 24);
    h.set(payload, 40);
    return h;
  }
  const h = new Uint8Array(20 + payload.length);
  h.set([0x45, 0xc0, h.length >> 8, h.length & 0xff, 0, 0, 0, 0, 255, IPPROTO_VRRP]);
  h.set(src, 12);
  h.set(dst, 16);
  const c = finishChecksum(addWords(h, 0, 20, 0));
  h[10] = c >> 8;
  h[11] = c & 0xff;
  h.set(payload, 20);
  return h;
}

const V4 = { src: '10.1.2.3', dst: '224.0.0.18' };
const V6 = { src: 'fe80::1:2:3', dst: 'ff02::12' };
const cases: { name: string; advert: Advert; ends: PacketEnds }[] = [
  {
    name: 'v2 PASS IPv4',
    ends: V4,
    advert: { version: 2, family: 4, vrid: 51, priority: 150, advertIntervalCs: centis(300), addresses: ['10.1.2.100', '10.1.2.101'], authType: 1, authData: 'secret12' },
  },
  {
    name: 'v3 IPv4',
    ends: V4,
    advert: { version: 3, family: 4, vrid: 52, priority: 254, advertIntervalCs: centis(50), addresses: ['10.1.2.110'], authType: 0, authData: '' },
  },
  {
    name: 'v3 IPv6',
    ends: V6,
    advert: { version: 3, family: 6, vrid: 254, priority: 1, advertIntervalCs: centis(4095), addresses: ['fd00::100', 'fd00:1::1:0:0:101'], authType: 0, authData: '' },
  },
];

const FIELDS = ['vrrp.version', 'vrrp.type', 'vrrp.virt_rtr_id', 'vrrp.prio', 'vrrp.addr_count', 'vrrp.auth_type', 'vrrp.adver_int',
  'vrrp.short_adver_int', 'vrrp.ip_addr', 'vrrp.ipv6_addr', 'vrrp.auth_string', 'ip.ttl', 'ipv6.hlim'] as const;

test('tshark decodes our adverts as intended, with Good checksums', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), `vk${process.pid}ts`));
  try {
    const packets = cases.map((c) => ipPacket(c.ends, encodeAdvert(c.advert, c.ends)));
    // A control with one flipped checksum bit: proves tshark really verifies.
    const control = ipPacket(V4, encodeAdvert(cases[1]!.advert, V4));
    control[20 + 7]! ^= 1;
    const file = join(dir, 'ours.pcap');
    writeFileSync(file, writePcap(LINKTYPE_RAW, [...packets, control]));

    const verbose = execFileSync('tshark', ['-r', file, '-V', '-Y', 'vrrp'], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const statuses = [...verbose.matchAll(/\[Checksum Status: (\w+)\]/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['Good', 'Good', 'Good', 'Bad']);

    const args = ['-r', file, '-Y', 'vrrp', '-T', 'fields', '-E', 'separator=|', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])];
    const rows = execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] })
      .trim().split('\n').map((line) => Object.fromEntries(line.split('|').map((v, i) => [FIELDS[i], v])));
    assert.equal(rows.length, 4);
    cases.forEach((c, i) => {
      const row = rows[i]!;
      const a = c.advert;
      assert.equal(Number(row['vrrp.version']), a.version, c.name);
      assert.equal(Number(row['vrrp.type']), 1, c.name);
      assert.equal(Number(row['vrrp.virt_rtr_id']), a.vrid, c.name);
      assert.equal(Number(row['vrrp.prio']), a.priority, c.name);
      assert.equal(Number(row['vrrp.addr_count']), a.addresses.length, c.name);
      const addresses = row[a.family === 4 ? 'vrrp.ip_addr' : 'vrrp.ipv6_addr']!.split(',');
      assert.deepEqual(addresses, a.addresses, c.name);
      assert.equal(Number(row[a.family === 4 ? 'ip.ttl' : 'ipv6.hlim']), 255, c.name);
      if (a.version === 2) {
        assert.equal(Number(row['vrrp.adver_int']), a.advertIntervalCs / 100, c.name); // whole seconds on the wire
        assert.equal(Number(row['vrrp.auth_type']), a.authType, c.name);
        assert.equal(row['vrrp.auth_string'], a.authData, c.name);
      } else {
        assert.equal(Number(row['vrrp.short_adver_int']), a.advertIntervalCs, c.name); // centiseconds
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
