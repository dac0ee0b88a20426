// The AH framing's failure paths and the sequence counter's rules
// (keepalived 2.2.7 vrrp_in_chk_ipsecah / vrrp_update_pkt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { centis } from '../../src/base/units.ts';
import { encodeAdvert } from '../../src/vrrp/packet.ts';
import { ahIcvValid, ahKey, encodeAhPacket, splitAhPacket } from '../../src/vrrp/ah.ts';
import { AhSequence } from '../../src/vrrp/ah-sequence.ts';
import { hmacMd5 } from '../../src/net/hmac-md5.ts';

const vrrp = encodeAdvert({ version: 2, family: 4, vrid: 7, priority: 100, advertIntervalCs: centis(100), addresses: ['10.1.0.9'], authType: 2, authData: '' },
  { src: '10.1.0.1', dst: '224.0.0.18' });
const frame = { src: '10.1.0.1', dst: '224.0.0.18', ttl: 255, ipId: 9, seq: 77, unicast: false };
const key = ahKey('pw');
const packet = () => encodeAhPacket(vrrp, frame, key, hmacMd5);

test('ahKey: the first 8 bytes of the UTF-8 password, zero-padded', () => {
  assert.deepEqual([...ahKey('abc')], [97, 98, 99, 0, 0, 0, 0, 0]);
  assert.deepEqual([...ahKey('secret12-and-more')], [...new TextEncoder().encode('secret12')]);
  assert.deepEqual([...ahKey('ééééé')], [0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9]);
});

test('split: what we encode reads back, and the ICV verifies', () => {
  const p = packet();
  const s = splitAhPacket(p);
  assert.ok(s.ok);
  assert.deepEqual({ src: s.src, dst: s.dst, seq: s.seq, spiOk: s.spiMatchesSource }, { src: '10.1.0.1', dst: '224.0.0.18', seq: 77, spiOk: true });
  assert.deepEqual([...s.vrrp], [...vrrp]);
  assert.ok(ahIcvValid(p, key, false, hmacMd5));
});

test('split: failures in order, each its reason', () => {
  assert.equal((splitAhPacket(new Uint8Array(10)) as { reason: string }).reason, 'tooShort');
  const notV4 = packet(); notV4[0] = 0x65;
  assert.equal((splitAhPacket(notV4) as { reason: string }).reason, 'badIpHeader');
  const vrrpProto = packet(); vrrpProto[9] = 112;
  assert.equal((splitAhPacket(vrrpProto) as { reason: string }).reason, 'badIpHeader');
  const short = packet().slice(0, 20 + 24 + 4); short[2] = 0; short[3] = 48;
  assert.equal((splitAhPacket(short) as { reason: string }).reason, 'tooShort');
  const truncated = packet().slice(0, 40);
  assert.equal((splitAhPacket(truncated) as { reason: string }).reason, 'tooShort');
  const other = packet(); other[20] = 6; // AH over TCP
  assert.equal((splitAhPacket(other) as { reason: string }).reason, 'ahNextHeader');
});

test('split: an SPI that is not the source is reported, not trusted', () => {
  const p = packet(); p[20 + 7]! ^= 1;
  const s = splitAhPacket(p);
  assert.ok(s.ok);
  assert.equal(s.spiMatchesSource, false);
});

test('ICV: TOS, fragment field and header checksum may change on the way; the id, addresses and seq may not', () => {
  const p = packet();
  const mutable = p.slice(); mutable[1] = 0; mutable[6] = 0x40; mutable[10] = 0x12; mutable[11] = 0x34;
  assert.ok(ahIcvValid(mutable, key, false, hmacMd5));
  for (const at of [4, 5, 12, 16, 20 + 8 + 3, 20 + 24 + 2]) {
    const changed = p.slice(); changed[at]! ^= 1;
    assert.equal(ahIcvValid(changed, key, false, hmacMd5), false, `byte ${at}`);
  }
});

test('split never throws on arbitrary bytes (fast-check)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
    const r = splitAhPacket(bytes);
    if (r.ok) ahIcvValid(bytes, key, false, hmacMd5);
  }), { numRuns: 2000 });
});

test('sequence: sends count from 1; receive accepts only higher numbers and adopts them', () => {
  const s = new AhSequence();
  assert.equal(s.next(), 1);
  assert.equal(s.next(), 2);
  assert.deepEqual(s.accept(2), { ok: false, last: 2 });
  assert.deepEqual(s.accept(1), { ok: false, last: 2 });
  assert.deepEqual(s.accept(40), { ok: true });
  assert.equal(s.next(), 41, 'a new master carries on above what it heard');
});

test('sequence: stops at 0xFFFFFFFE and restarts from 0 on becoming MASTER', () => {
  const s = new AhSequence(0xfffffffd);
  assert.equal(s.next(), 0xfffffffe);
  assert.equal(s.next(), 0xfffffffe, 'cycled: the number no longer moves, peers refuse it');
  s.becameMaster();
  assert.equal(s.next(), 1);
  const t = new AhSequence(5);
  t.becameMaster();
  assert.equal(t.next(), 6, 'not cycled: becoming MASTER keeps the count');
});

test('ICV check on a Node Buffer (what the socket delivers): verifies and leaves the packet as received', () => {
  // Buffer#slice is a view, not a copy: zeroing the mutable fields in it once
  // corrupted every received packet, and keepalived's adverts all failed.
  const received = Buffer.from(packet());
  const before = received.toString('hex');
  assert.ok(ahIcvValid(received, key, false, hmacMd5));
  assert.equal(received.toString('hex'), before);
  assert.ok(ahIcvValid(received, key, false, hmacMd5), 'and again');
});
