// Edges of the codec that mutation testing found unpinned
// (docs/mutation-testing.md): the encoder's guards against adverts it cannot
// put on the wire, UTF-8 passwords, a password that is not UTF-8, and
// packet ends of the wrong family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addWords, finishChecksum } from '../../src/base/checksum.ts';
import { centis } from '../../src/base/units.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.ts';

const V4 = { src: '10.0.0.1', dst: '224.0.0.18' };
const V6 = { src: 'fe80::1', dst: 'ff02::12' };
const v2 = (over: Partial<Advert> = {}): Advert => ({
  version: 2, family: 4, vrid: 51, priority: 100, advertIntervalCs: centis(100), addresses: ['10.0.0.100'], authType: 0, authData: '', ...over,
});
const v3 = (over: Partial<Advert> = {}): Advert => ({ ...v2(over), version: 3, ...over });

test('encodeAdvert refuses adverts it cannot put on the wire (our bug, not a peer\'s)', () => {
  const bad: Array<[Advert, RegExp, typeof V4]> = [
    [v3({ version: 4 as never }), /version must be 2 or 3/, V4],
    [v3({ family: 5 as never }), /family must be 4 or 6/, V4],
    [v2({ family: 6, addresses: ['fd00::1'] }), /VRRPv2 is IPv4-only/, V6],
    [v2({ advertIntervalCs: centis(150) }), /v2 interval/, V4],
    [v2({ authType: 3 as never }), /authType must be/, V4],
    [v3({ authType: 1, authData: 'x' }), /VRRPv3 has no authentication/, V4],
    [v3({ authType: 0, authData: 'x' }), /authData is only carried with authType 1|VRRPv3 has no authentication/, V4],
    [v2({ authType: 1, authData: 'éééééab' }), /at most 8 bytes/, V4],
  ];
  for (const [advert, re, ends] of bad) assert.throws(() => encodeAdvert(advert, ends), re, JSON.stringify(advert));
});

test('255 addresses is the most an advert carries, and it encodes', () => {
  const addresses = Array.from({ length: 255 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
  const d = decodeAdvert(encodeAdvert(v3({ addresses }), V4), 4, V4);
  assert.ok(d.ok);
  assert.equal(d.advert.addresses.length, 255);
  assert.throws(() => encodeAdvert(v3({ addresses: [...addresses, '10.2.0.0'] }), V4), /at most 255 addresses/);
});

test('a PASS password of exactly 8 UTF-8 bytes round-trips', () => {
  for (const authData of ['éééab', 'abcdefgh', 'é']) {
    const d = decodeAdvert(encodeAdvert(v2({ authType: 1, authData }), V4), 4, V4);
    assert.ok(d.ok, authData);
    assert.equal(d.advert.authData, authData);
  }
});

test('a password that is not UTF-8 decodes (replacement characters), never throws', () => {
  const bytes = encodeAdvert(v2({ authType: 1, authData: 'abcdefgh' }), V4);
  const at = bytes.length - 8;
  bytes.set([0xff, 0xfe, 0x80, 0x41], at);
  bytes.fill(0, at + 4);
  bytes[6] = 0; bytes[7] = 0;
  const sum = finishChecksum(addWords(bytes, 0, bytes.length, 0));
  bytes[6] = sum >> 8; bytes[7] = sum & 0xff;
  const d = decodeAdvert(bytes, 4, V4);
  assert.ok(d.ok, JSON.stringify(d));
  assert.equal(d.advert.authData, '\ufffd\ufffd\ufffdA');
});

test('v3 packet ends must both be addresses of the advert\'s family', () => {
  const bytes6 = encodeAdvert(v3({ family: 6, addresses: ['fd00::100'] }), V6);
  assert.ok(decodeAdvert(bytes6, 6, V6).ok);
  for (const ends of [{ src: 'fe80::1', dst: '224.0.0.18' }, { src: '10.0.0.1', dst: 'ff02::12' }, { src: 'fe80::1', dst: 'junk' }]) {
    const d = decodeAdvert(bytes6, 6, ends);
    assert.equal(d.ok ? 'ok' : d.reason, 'badAddressFamily', JSON.stringify(ends));
  }
  const bytes4 = encodeAdvert(v3(), V4);
  for (const ends of [{ src: 'fe80::1', dst: '224.0.0.18' }, { src: '10.0.0.1', dst: 'ff02::12' }]) {
    const d = decodeAdvert(bytes4, 4, ends);
    assert.equal(d.ok ? 'ok' : d.reason, 'badAddressFamily', JSON.stringify(ends));
  }
});
