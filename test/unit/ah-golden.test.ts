// AH-framed VRRPv2 captured from Debian's keepalived 2.2.7
// (test/golden/vrrp-ah/README.md): we must read keepalived's bytes, accept
// its ICV, and write the same bytes back given the same IP id and sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Advert } from '../../src/vrrp/advert.ts';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.ts';
import { ahIcvValid, ahKey, encodeAhPacket, splitAhPacket } from '../../src/vrrp/ah.ts';
import { hmacMd5 } from '../../src/net/hmac-md5.ts';
import { fromHex, toHex } from '../lib/pcap.ts';

interface GoldenPacket { kind: string; ipHex: string; src: string; dst: string; ttl: number; ipId: number; spi: string; seq: number; expected: Advert }
interface GoldenFile { scenario: string; password: string; unicast: boolean; packets: GoldenPacket[] }

const dir = join(import.meta.dirname, '..', 'golden', 'vrrp-ah');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const golden = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GoldenFile);

test('the AH golden set covers multicast, unicast, a key over 8 bytes, seq steps and goodbyes', () => {
  assert.ok(golden.some((g) => !g.unicast));
  assert.ok(golden.some((g) => g.unicast));
  assert.ok(golden.some((g) => g.password.length > 8));
  for (const g of golden) {
    const [a, b, bye] = g.packets;
    assert.deepEqual([a!.kind, b!.kind, bye!.kind], ['advert', 'advert2', 'goodbye']);
    assert.equal(a!.seq, 1, 'keepalived starts its sequence at 1');
    assert.equal(b!.seq, 2);
    assert.ok(bye!.seq > b!.seq);
    assert.equal(bye!.expected.priority, 0);
  }
});

for (const g of golden) {
  const key = ahKey(g.password);
  for (const p of g.packets) {
    const name = `${g.scenario} ${p.kind}`;
    const ip = fromHex(p.ipHex);

    test(`${name}: AH header as keepalived writes it`, () => {
      const s = splitAhPacket(ip);
      assert.ok(s.ok, JSON.stringify(s));
      assert.deepEqual({ src: s.src, dst: s.dst, ttl: s.ttl, seq: s.seq, spiOk: s.spiMatchesSource }, { src: p.src, dst: p.dst, ttl: 255, seq: p.seq, spiOk: true });
      assert.equal(ip[1], 0xc0, 'TOS network control');
      assert.equal(ip[20 + 1], 4, 'AH payload length 4 (24 bytes)');
    });

    test(`${name}: the ICV verifies with the configured password, not with another`, () => {
      assert.ok(ahIcvValid(ip, key, g.unicast, hmacMd5));
      assert.ok(!ahIcvValid(ip, ahKey('wrongkey'), g.unicast, hmacMd5));
      // The TTL is in the ICV for multicast and out of it for unicast.
      assert.equal(ahIcvValid(ip, key, !g.unicast, hmacMd5), false);
      const flipped = ip.slice();
      flipped[flipped.length - 9]! ^= 1; // a VIP byte
      assert.ok(!ahIcvValid(flipped, key, g.unicast, hmacMd5));
    });

    test(`${name}: the VRRP inside decodes to the configured values`, () => {
      const s = splitAhPacket(ip);
      assert.ok(s.ok);
      const r = decodeAdvert(s.vrrp, 4, { src: p.src, dst: p.dst });
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.advert, p.expected);
    });

    test(`${name}: encodes back to the same bytes given keepalived's IP id and seq`, () => {
      const vrrp = encodeAdvert(p.expected, { src: p.src, dst: p.dst });
      const out = encodeAhPacket(vrrp, { src: p.src, dst: p.dst, ttl: p.ttl, ipId: p.ipId, seq: p.seq, unicast: g.unicast }, key, hmacMd5);
      assert.equal(toHex(out), p.ipHex);
    });
  }
}
