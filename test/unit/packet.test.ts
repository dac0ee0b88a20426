// Example-based tests of the codec: every drop reason, the edges of each
// field, and keepalived's length tolerance. Base packets are keepalived's own
// (v3-ipv4-1s golden) so these do not only test the encoder against itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addWords, finishChecksum } from '../../src/base/checksum.ts';
import { centis } from '../../src/base/units.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.ts';
import { fromHex } from '../lib/pcap.ts';

const V4 = { src: '10.77.0.1', dst: '224.0.0.18' };
const V6 = { src: 'fe80::5eff:fe77:1', dst: 'ff02::12' };

function goldenPayload(file: string, ipHeaderLen: number): Uint8Array {
  const g = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'vrrp', file), 'utf8')) as { packets: { ipHex: string }[] };
  return fromHex(g.packets[0]!.ipHex).subarray(ipHeaderLen);
}
const v3Ipv4 = () => goldenPayload('v3-ipv4-1s.json', 20).slice();
const v2Pass = () => goldenPayload('v2-pass-ipv4.json', 20).slice();

/** Rewrites the checksum so a test can reach the checks after it (v2: no pseudo-header). */
function fixV2Checksum(p: Uint8Array): Uint8Array {
  p[6] = 0;
  p[7] = 0;
  const c = finishChecksum(addWords(p, 0, p.length, 0));
  p[6] = c >> 8;
  p[7] = c & 0xff;
  return p;
}

const reason = (r: ReturnType<typeof decodeAdvert>) => (r.ok ? 'ok' : r.reason);

test('RFC 1071 example: the checksum of 00 01 f2 03 f4 f5 f6 f7 is ~0xddf2', () => {
  const bytes = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
  assert.equal(finishChecksum(addWords(bytes, 0, 8, 0)), ~0xddf2 & 0xffff);
  assert.equal(finishChecksum(addWords(Uint8Array.of(0xff), 0, 1, 0)), 0x00ff); // odd length pads with zero
});

test('tooShort: fewer than 8 bytes, including none', () => {
  for (let n = 0; n < 8; n++) assert.equal(reason(decodeAdvert(v3Ipv4().subarray(0, n), 4, V4)), 'tooShort');
});

test('badVersion: anything but 2 and 3 in the high nibble', () => {
  for (const v of [0, 1, 4, 15]) {
    const p = v3Ipv4();
    p[0] = (v << 4) | 1;
    assert.equal(reason(decodeAdvert(p, 4, V4)), 'badVersion');
  }
});

test('badType: only type 1 (advertisement) exists', () => {
  const p = v3Ipv4();
  p[0] = 0x32;
  assert.equal(reason(decodeAdvert(p, 4, V4)), 'badType');
});

test('badAddressFamily: VRRPv2 over IPv6, and v3 ends of the wrong family', () => {
  assert.equal(reason(decodeAdvert(v2Pass(), 6, V6)), 'badAddressFamily');
  assert.equal(reason(decodeAdvert(v3Ipv4(), 4, V6)), 'badAddressFamily');
  assert.equal(reason(decodeAdvert(v3Ipv4(), 4, { src: '10.77.0.1', dst: 'nonsense' })), 'badAddressFamily');
});

test('lengthMismatch: the count says more or fewer addresses than the bytes hold', () => {
  const longer = v3Ipv4();
  longer[3] = 2;
  assert.equal(reason(decodeAdvert(longer, 4, V4)), 'lengthMismatch');
  const truncated = v2Pass().subarray(0, 8 + 8 + 7);
  assert.equal(reason(decodeAdvert(truncated, 4, V4)), 'lengthMismatch');
  const extraWord = Uint8Array.from([...v3Ipv4(), 0, 0, 0, 0]);
  assert.equal(reason(decodeAdvert(extraWord, 4, V4)), 'lengthMismatch');
});

test('keepalived tolerates Ethernet padding: 2 mod 4 extra bytes under a 46-byte IP packet', () => {
  const padded = Uint8Array.from([...v3Ipv4(), ...new Array<number>(14).fill(0)]); // 20+12+14 = 46
  const r = decodeAdvert(padded, 4, V4);
  assert.ok(r.ok);
  assert.deepEqual(r.advert.addresses, ['10.77.0.110']);
  const v2Padded = Uint8Array.from([...v2Pass(), 0, 0]); // 20+24 = 44: 2 bytes of padding fit
  assert.equal(reason(decodeAdvert(v2Padded, 4, V4)), 'ok');
  assert.equal(reason(decodeAdvert(Uint8Array.from([...v2Pass(), 0, 0, 0]), 4, V4)), 'lengthMismatch'); // 3 mod 4
  const big = encodeAdvert(advert({ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] }), V4); // 20+24 = 44
  assert.equal(reason(decodeAdvert(Uint8Array.from([...big, 0, 0]), 4, V4)), 'ok');
  const bigger = encodeAdvert(advert({ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] }), V4); // 48
  assert.equal(reason(decodeAdvert(Uint8Array.from([...bigger, 0, 0]), 4, V4)), 'lengthMismatch');
});

test('badChecksum: one changed byte, and a v3 pseudo-header with another destination', () => {
  const p = v3Ipv4();
  p[8]! ^= 1;
  assert.equal(reason(decodeAdvert(p, 4, V4)), 'badChecksum');
  assert.equal(reason(decodeAdvert(v3Ipv4(), 4, { src: V4.src, dst: '10.77.0.2' })), 'badChecksum');
});

test('badAuthType: v2 auth types above 2, with a valid checksum', () => {
  const p = v2Pass();
  p[4] = 3;
  assert.equal(reason(decodeAdvert(fixV2Checksum(p), 4, V4)), 'badAuthType');
});

test('v2: auth data is ignored unless the type is PASS; AH (2) decodes with no data', () => {
  for (const [type, data] of [[0, ''], [1, 'secret12'], [2, '']] as const) {
    const p = v2Pass();
    p[4] = type;
    const r = decodeAdvert(fixV2Checksum(p), 4, V4);
    assert.ok(r.ok);
    assert.equal(r.advert.authType, type);
    assert.equal(r.advert.authData, data);
  }
});

test('v3: the 4 reserved bits of the interval are ignored on receive', () => {
  const p = encodeAdvert(advert({}), V4);
  p[4]! |= 0xf0;
  p[6] = 0; // recompute checksum over the changed packet, pseudo-header included
  p[7] = 0;
  const sum = addWords(fromHex('0a4d0001e0000012'), 0, 8, 112 + p.length);
  const c = finishChecksum(addWords(p, 0, p.length, sum));
  p[6] = c >> 8;
  p[7] = c & 0xff;
  const r = decodeAdvert(p, 4, V4);
  assert.ok(r.ok);
  assert.equal(r.advert.advertIntervalCs, 100);
});

test('intervals: v2 seconds x100; v3 up to 4095 cs', () => {
  const v2 = decodeAdvert(encodeAdvert(advert({ version: 2, advertIntervalCs: centis(25500) }), V4), 4, V4);
  assert.ok(v2.ok);
  assert.equal(v2.advert.advertIntervalCs, 25500);
  assert.equal(encodeAdvert(advert({ version: 2, advertIntervalCs: centis(25500) }), V4)[5], 255);
  const v3 = encodeAdvert(advert({ advertIntervalCs: centis(4095) }), V4);
  assert.deepEqual([v3[4], v3[5]], [0x0f, 0xff]);
});

test('PASS passwords: shorter ones are zero-padded; UTF-8 up to 8 bytes round-trips', () => {
  const short = encodeAdvert(advert({ version: 2, authType: 1, authData: 'ab' }), V4);
  assert.deepEqual([...short.subarray(short.length - 8)], [0x61, 0x62, 0, 0, 0, 0, 0, 0]);
  const r = decodeAdvert(encodeAdvert(advert({ version: 2, authType: 1, authData: 'pässw' }), V4), 4, V4);
  assert.ok(r.ok);
  assert.equal(r.advert.authData, 'pässw');
});

test('encode asserts on adverts that cannot go on the wire (programmer errors)', () => {
  const bad: Partial<Advert>[] = [
    { version: 2, advertIntervalCs: centis(150) }, // v2 is whole seconds
    { version: 2, advertIntervalCs: centis(0) },
    { advertIntervalCs: centis(4096) },
    { advertIntervalCs: centis(0) },
    { vrid: 0 },
    { vrid: 256 },
    { priority: 256 },
    { priority: -1 },
    { version: 2, family: 6, addresses: ['fd00::1'] },
    { addresses: ['fd00::1'] }, // family 4 advert with an IPv6 address
    { addresses: ['10.0.0.256'] },
    { authType: 1, authData: 'x' }, // v3 has no auth
    { version: 2, authType: 1, authData: 'ninechars' },
    { version: 2, authType: 0, authData: 'x' },
    { version: 2, authType: 1, authData: 'ab\0' }, // would decode as 'ab'
    { addresses: new Array<string>(256).fill('10.0.0.1') },
  ];
  for (const b of bad) assert.throws(() => encodeAdvert(advert(b), V4), { name: 'AssertionError' }, JSON.stringify(b));
  assert.throws(() => encodeAdvert(advert({}), { src: 'fd00::1', dst: V4.dst }), { name: 'AssertionError' });
});

test('decode never throws on degenerate input', () => {
  for (const bytes of [new Uint8Array(0), new Uint8Array(65535), new Uint8Array(65535).fill(0xff), Uint8Array.of(0x31)]) {
    for (const family of [4, 6] as const) assert.equal(typeof decodeAdvert(bytes, family, family === 4 ? V4 : V6).ok, 'boolean');
  }
});

test('IPv6 addresses decode to RFC 5952 text whatever text was encoded', () => {
  const a = advert({ family: 6, addresses: ['FD00:0:0:0:0:0:0:1', 'fd00::a:0:0:0:1'] });
  const r = decodeAdvert(encodeAdvert(a, V6), 6, V6);
  assert.ok(r.ok);
  assert.deepEqual(r.advert.addresses, ['fd00::1', 'fd00:0:0:a::1']);
});

function advert(over: Partial<Advert>): Advert {
  return {
    version: 3, family: 4, vrid: 7, priority: 100, advertIntervalCs: centis(100),
    addresses: ['10.0.0.1'], authType: 0, authData: '', ...over,
  };
}
