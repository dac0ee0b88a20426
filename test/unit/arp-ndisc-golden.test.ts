// The GARP and NA builders produce what Debian's keepalived 2.2.7 put on the
// wire (test/golden/*-keepalived-2.2.7.json, captured by garp-na-capture.sh).
// AF_PACKET/SOCK_DGRAM adds the Ethernet header, so we compare the frame's
// header with our (dst MAC, ethertype, interface MAC) and its body with ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BROADCAST_MAC, ETHERTYPE_ARP, buildGarp } from '../../src/net/arp.ts';
import { ALL_NODES_MAC, ETHERTYPE_IPV6, buildUnsolicitedNa, icmpv6Checksum } from '../../src/net/ndisc.ts';
import { parseMac } from '../../src/net/rtattr.ts';

interface Golden { frameHex: string; interfaceMac: string; vip: string; router?: boolean }
const golden = (name: string): Golden => JSON.parse(readFileSync(new URL(`../golden/${name}`, import.meta.url), 'utf8')) as Golden;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function splitFrame(g: Golden) {
  const frame = Buffer.from(g.frameHex, 'hex');
  return { dst: frame.subarray(0, 6), src: frame.subarray(6, 12), ethertype: frame.readUInt16BE(12), body: frame.subarray(14) };
}

test('GARP equals keepalived 2.2.7 byte for byte (request, target MAC ff:…:ff)', () => {
  const g = golden('garp-keepalived-2.2.7.json');
  const f = splitFrame(g);
  const mac = parseMac(g.interfaceMac)!;
  assert.equal(f.ethertype, ETHERTYPE_ARP);
  assert.equal(hex(f.dst), hex(BROADCAST_MAC));
  assert.equal(hex(f.src), hex(mac));
  assert.equal(hex(buildGarp(mac, g.vip)), hex(f.body));
});

test('unsolicited NA equals keepalived 2.2.7 byte for byte (src = VIP, Override, no Router)', () => {
  const g = golden('na-keepalived-2.2.7.json');
  const f = splitFrame(g);
  const mac = parseMac(g.interfaceMac)!;
  assert.equal(f.ethertype, ETHERTYPE_IPV6);
  assert.equal(hex(f.dst), hex(ALL_NODES_MAC));
  assert.equal(hex(f.src), hex(mac));
  assert.equal(hex(buildUnsolicitedNa({ mac, target: g.vip, router: g.router ?? false })), hex(f.body));
});

test('the NA checksum verifies over the pseudo-header and changes with every field it covers', () => {
  const mac = parseMac('02:00:5e:77:00:09')!;
  const na = buildUnsolicitedNa({ mac, target: 'fd00:1::5', src: 'fe80::1', router: true });
  assert.equal(na[40 + 4], 0xa0, 'Router and Override flags');
  const stored = (na[42]! << 8) | na[43]!;
  assert.equal(icmpv6Checksum(na, 40), stored);
  for (const at of [8, 30, 48, 66]) {
    const bent = na.slice();
    bent[at]! ^= 0x01;
    assert.notEqual(icmpv6Checksum(bent, 40), stored, `byte ${at} is covered`);
  }
});

test('builders reject what is not theirs', () => {
  const mac = parseMac('02:00:5e:77:00:09')!;
  assert.throws(() => buildGarp(mac, 'fd00::1'), TypeError);
  assert.throws(() => buildGarp(mac.subarray(0, 5), '10.0.0.1'), TypeError);
  assert.throws(() => buildUnsolicitedNa({ mac, target: '10.0.0.1', router: false }), TypeError);
});
