// Packets captured from Debian's keepalived 2.2.7 (test/golden/vrrp/README.md):
// we must read them as keepalived meant them and write the same bytes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Advert } from '../../src/vrrp/advert.ts';
import { decodeAdvert, encodeAdvert, splitIpv4Header } from '../../src/vrrp/packet.ts';
import { fromHex, toHex } from '../lib/pcap.ts';

interface GoldenPacket { kind: string; ipHex: string; src: string; dst: string; ttl: number; expected: Advert }
interface GoldenFile { scenario: string; packets: GoldenPacket[] }

const dir = join(import.meta.dirname, '..', 'golden', 'vrrp');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('the golden set covers v2 PASS, v3 IPv4 (two intervals), v3 IPv6 and goodbyes', () => {
  const all = files.flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as GoldenFile).packets);
  const has = (p: (a: Advert) => boolean) => all.some((g) => p(g.expected));
  assert.ok(has((a) => a.version === 2 && a.authType === 1));
  assert.ok(has((a) => a.version === 3 && a.family === 4 && a.advertIntervalCs === 100));
  assert.ok(has((a) => a.version === 3 && a.family === 4 && a.advertIntervalCs < 100));
  assert.ok(has((a) => a.version === 3 && a.family === 6));
  assert.ok(has((a) => a.priority === 0));
});

/** The VRRP message inside a captured IP packet, by our own header splitter for IPv4. */
function vrrpOf(ip: Uint8Array): { payload: Uint8Array; ttl: number; src?: string; dst?: string } {
  if (ip[0]! >> 4 === 6) return { payload: ip.subarray(40), ttl: ip[7]! }; // no extension headers from keepalived
  const split = splitIpv4Header(ip);
  assert.ok(split.ok, 'captured IPv4 header must split');
  assert.equal(split.protocol, 112);
  return { payload: split.payload, ttl: split.ttl, src: split.src, dst: split.dst };
}

for (const file of files) {
  const golden = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenFile;
  for (const p of golden.packets) {
    const name = `${golden.scenario} ${p.kind}`;
    const ip = fromHex(p.ipHex);
    const family = ip[0]! >> 4 === 6 ? 6 : 4;
    const ends = { src: p.src, dst: p.dst };
    const { payload, ttl, src, dst } = vrrpOf(ip);

    test(`${name}: IP header as captured`, () => {
      assert.equal(ttl, 255);
      if (family === 4) assert.deepEqual({ src, dst }, ends);
    });

    test(`${name}: decodes to the configured values`, () => {
      const r = decodeAdvert(payload, family, ends);
      assert.ok(r.ok, `decode failed: ${JSON.stringify(r)}`);
      assert.deepEqual(r.advert, p.expected);
    });

    test(`${name}: encodes back to the same bytes`, () => {
      assert.equal(toHex(encodeAdvert(p.expected, ends)), toHex(payload));
    });

    test(`${name}: a wrong pseudo-header source ${family === 4 && p.expected.version === 2 ? 'does not matter (v2)' : 'fails the checksum'}`, () => {
      const other = family === 4 ? '10.77.0.9' : 'fe80::9';
      const r = decodeAdvert(payload, family, { src: other, dst: p.dst });
      if (p.expected.version === 2) assert.ok(r.ok);
      else assert.deepEqual(r, { ok: false, reason: 'badChecksum' });
    });
  }
}
