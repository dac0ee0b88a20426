// splitIpv4Header, and the allocation-free IP text helpers (base/ip-wire.ts)
// the codec uses, checked against base/ip.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../src/base/ip.ts';
import { formatIpv4Fast, formatIpv6Fast, parseIpv4Word, scanIpv6 } from '../../src/base/ip-wire.ts';
import { splitIpv4Header } from '../../src/vrrp/packet.ts';
import { fromHex } from '../lib/pcap.ts';

// keepalived's v3 advert for VRID 52 (test/golden/vrrp/v3-ipv4-1s.json).
const CAPTURED = '45c0002000010000ff70d04c0a4d0001e000001231346401006474ce0a4d006e';

test('splits a captured header: ttl, protocol, ends, and a payload view', () => {
  const ip = fromHex(CAPTURED);
  const r = splitIpv4Header(ip);
  assert.ok(r.ok);
  assert.deepEqual({ ttl: r.ttl, protocol: r.protocol, src: r.src, dst: r.dst }, { ttl: 255, protocol: 112, src: '10.77.0.1', dst: '224.0.0.18' });
  assert.equal(r.payload.length, 12);
  assert.equal(r.payload.buffer, ip.buffer); // no copy
  assert.equal(r.payload[0], 0x31);
});

test('honours IHL (options) and trims bytes past the total length', () => {
  const base = fromHex(CAPTURED);
  const withOptions = Uint8Array.from([0x46, ...base.subarray(1, 20), 1, 1, 1, 0, ...base.subarray(20), 0xee, 0xee]);
  withOptions[3] = 36; // total length 24 + 12
  const r = splitIpv4Header(withOptions);
  assert.ok(r.ok);
  assert.deepEqual([...r.payload], [...base.subarray(20)]);
});

test('rejects what is not a usable IPv4 header', () => {
  const base = fromHex(CAPTURED);
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'tooShort'],
    ['19 bytes', base.subarray(0, 19), 'tooShort'],
    ['IPv6 version', Uint8Array.from([0x65, ...base.subarray(1)]), 'badIpHeader'],
    ['IHL 4', Uint8Array.from([0x44, ...base.subarray(1)]), 'badIpHeader'],
    ['total < IHL', Uint8Array.from([...base.subarray(0, 2), 0, 19, ...base.subarray(4)]), 'badIpHeader'],
    ['total > received', base.subarray(0, 31), 'tooShort'],
    ['IHL past the end', Uint8Array.from([0x4f, ...base.subarray(1)]), 'badIpHeader'],
  ];
  for (const [name, bytes, reason] of cases) {
    const r = splitIpv4Header(bytes);
    assert.equal(r.ok ? 'ok' : r.reason, reason, name);
  }
});

test('never throws on arbitrary bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => typeof splitIpv4Header(b).ok === 'boolean'));
});

test('parseIpv4Word accepts exactly what parseIpv4 accepts', () => {
  const octet = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.constantFrom('', '00', '007', '1a', '-1', ' 1', '0x1'));
  const text = fc.oneof(
    fc.array(octet, { minLength: 2, maxLength: 6 }).map((a) => a.join('.')),
    fc.string({ maxLength: 16 }),
  );
  fc.assert(fc.property(text, (t) => {
    const slow = parseIpv4(t);
    const fast = parseIpv4Word(t);
    if (slow === null) return fast === -1;
    return fast === ((slow[0]! << 24) >>> 0) + (slow[1]! << 16) + (slow[2]! << 8) + slow[3]!;
  }), { numRuns: 5000 });
});

test('formatIpv4Fast formats as formatIpv4 does', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => formatIpv4Fast(b, 0) === formatIpv4(b)));
  assert.equal(parseIpv4Word('255.255.255.255'), 0xffffffff);
});

// IPv6 text is on the hot path too (v3 IPv6 adverts and their pseudo-header).
const hexGroup = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 5 });
const ipv6Text = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b)),
  fc.array(hexGroup, { minLength: 1, maxLength: 10 }).chain((gs) =>
    fc.tuple(fc.constant(gs), fc.integer({ min: -1, max: gs.length }), fc.constantFrom('', '%eth0', ':1.2.3.4', '.5')),
  ).map(([gs, gap, tail]) => (gap < 0 ? gs.join(':') : `${gs.slice(0, gap).join(':')}::${gs.slice(gap).join(':')}`) + tail),
  fc.string({ unit: fc.constantFrom(...'0af:.%1'), maxLength: 20 }),
);

test('scanIpv6 accepts exactly what parseIpv6 accepts, writes the same bytes, sums the words', () => {
  fc.assert(fc.property(ipv6Text, fc.integer({ min: 0, max: 4 }), (t, at) => {
    const slow = parseIpv6(t);
    const out = new Uint8Array(24).fill(0xaa);
    const sum = scanIpv6(t, out, at);
    assert.equal(scanIpv6(t, null, 0), sum, t);
    if (slow === null) return assert.equal(sum, -1, t);
    assert.deepEqual([...out.subarray(at, at + 16)], [...slow], t);
    assert.ok(out.subarray(0, at).every((x) => x === 0xaa) && out.subarray(at + 16).every((x) => x === 0xaa), 'wrote outside its 16 bytes');
    let words = 0;
    for (let i = 0; i < 16; i += 2) words += (slow[i]! << 8) | slow[i + 1]!;
    assert.equal(sum, words, t);
  }), { numRuns: 20000 });
  for (const t of ['::', '::1', '1::', 'fe80::1%eth0', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8']) assert.ok(scanIpv6(t, null, 0) >= 0, t);
  for (const t of [':', ':::', '1:::2', '1::2::3', ':1', '1:', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', '']) assert.equal(scanIpv6(t, null, 0), -1, t);
});

test('formatIpv6Fast formats as formatIpv6 does', () => {
  // Bias towards zero words so runs of every length and position occur.
  const word = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  fc.assert(fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 3 }), (ws, at) => {
    const b = new Uint8Array(at + 16);
    ws.forEach((w, i) => { b[at + 2 * i] = w >> 8; b[at + 2 * i + 1] = w & 0xff; });
    assert.equal(formatIpv6Fast(b, at), formatIpv6(b.subarray(at)));
  }), { numRuns: 10000 });
});
