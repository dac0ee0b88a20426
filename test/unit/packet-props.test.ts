// Property tests of the codec with fast-check: round trips, robustness on
// hostile input, and that corruption is never read as a different advert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv4, formatIpv6, type Family } from '../../src/base/ip.ts';
import { centis } from '../../src/base/units.ts';
import type { Advert, DropReason, PacketEnds } from '../../src/vrrp/advert.ts';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.ts';

const CODEC_REASONS: ReadonlySet<DropReason> = new Set([
  'tooShort', 'badVersion', 'badType', 'lengthMismatch', 'badChecksum', 'badAuthType', 'badAddressFamily',
]);

const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b));
const addr = (family: Family) => (family === 4 ? ipv4 : ipv6);
const endsOf = (family: Family): fc.Arbitrary<PacketEnds> => fc.record({ src: addr(family), dst: addr(family) });
// keepalived passwords are config text: printable ASCII, at most 8 bytes.
const password = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 });

const common = { vrid: fc.integer({ min: 1, max: 255 }), priority: fc.integer({ min: 0, max: 255 }) };

const v2Advert: fc.Arbitrary<Advert> = fc
  .record({
    ...common,
    seconds: fc.integer({ min: 1, max: 255 }),
    addresses: fc.array(ipv4, { maxLength: 20 }),
    auth: fc.oneof(
      fc.constant({ authType: 0 as const, authData: '' }),
      fc.constant({ authType: 2 as const, authData: '' }),
      password.map((authData) => ({ authType: 1 as const, authData })),
    ),
  })
  .map(({ seconds, auth, ...r }) => ({ ...r, version: 2, family: 4, advertIntervalCs: centis(seconds * 100), ...auth }));

const v3Advert = (family: Family): fc.Arbitrary<Advert> =>
  fc
    .record({ ...common, cs: fc.integer({ min: 1, max: 4095 }), addresses: fc.array(addr(family), { maxLength: 20 }) })
    .map(({ cs, ...r }) => ({ ...r, version: 3, family, advertIntervalCs: centis(cs), authType: 0, authData: '' }));

/** A valid advert with the ends it travels between. */
const sent = fc.oneof(
  fc.tuple(v2Advert, endsOf(4)),
  fc.tuple(v3Advert(4), endsOf(4)),
  fc.tuple(v3Advert(6), endsOf(6)),
);

function isTyped(r: ReturnType<typeof decodeAdvert>): boolean {
  if (!r.ok) return CODEC_REASONS.has(r.reason);
  const a = r.advert;
  return (a.version === 2 || a.version === 3) && a.vrid <= 255 && a.priority <= 255 && Array.isArray(a.addresses);
}

test('decode(encode(x)) is x, for v2 (auth none/PASS/AH) and v3 over IPv4 and IPv6', () => {
  fc.assert(fc.property(sent, ([advert, ends]) => {
    assert.deepEqual(decodeAdvert(encodeAdvert(advert, ends), advert.family, ends), { ok: true, advert });
  }), { numRuns: 3000 });
});

test('decode of random bytes never throws and returns a typed result', () => {
  const family = fc.constantFrom<Family>(4, 6);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), family, endsOf(4), endsOf(6), (bytes, f, e4, e6) =>
    isTyped(decodeAdvert(bytes, f, f === 4 ? e4 : e6))), { numRuns: 5000 });
});

test('decode of mutated valid packets never throws and returns a typed result', () => {
  const edits = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 });
  const cut = fc.oneof(fc.constant(null), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }));
  fc.assert(fc.property(sent, edits, cut, ([advert, ends], es, c) => {
    let bytes = encodeAdvert(advert, ends);
    for (const e of es) bytes[e.at % bytes.length] = e.value;
    if (typeof c === 'number') bytes = bytes.subarray(0, c % (bytes.length + 1));
    else if (c !== null) bytes = Uint8Array.from([...bytes, ...c]);
    return isTyped(decodeAdvert(bytes, advert.family, ends));
  }), { numRuns: 5000 });
});

test('any single flipped bit in a valid packet is rejected, never read as another advert', () => {
  fc.assert(fc.property(sent, fc.nat(), ([advert, ends], n) => {
    const bytes = encodeAdvert(advert, ends);
    const bit = n % (bytes.length * 8);
    bytes[bit >> 3]! ^= 1 << (bit & 7);
    const r = decodeAdvert(bytes, advert.family, ends);
    assert.equal(r.ok, false, `bit ${bit} flipped in ${JSON.stringify(advert)}`);
  }), { numRuns: 5000 });
});

test('v3: a flipped bit in the pseudo-header (src or dst) fails the checksum', () => {
  const v3 = fc.oneof(fc.tuple(v3Advert(4), endsOf(4)), fc.tuple(v3Advert(6), endsOf(6)));
  fc.assert(fc.property(v3, fc.boolean(), fc.nat(), ([advert, ends], flipSrc, n) => {
    const bytes = encodeAdvert(advert, ends);
    const raw = (text: string) => (advert.family === 4 ? text.split('.').map(Number) : [...hexWords(text)]);
    const which = flipSrc ? ends.src : ends.dst;
    const b = Uint8Array.from(raw(which));
    const bit = n % (b.length * 8);
    b[bit >> 3]! ^= 1 << (bit & 7);
    const flipped = advert.family === 4 ? formatIpv4(b) : formatIpv6(b);
    const other = flipSrc ? { src: flipped, dst: ends.dst } : { src: ends.src, dst: flipped };
    assert.deepEqual(decodeAdvert(bytes, advert.family, other), { ok: false, reason: 'badChecksum' });
  }), { numRuns: 2000 });
});

/** The 16 bytes of a canonical IPv6 text (test helper; the codec uses base/ip.ts). */
function* hexWords(text: string): Generator<number> {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  for (const w of words) {
    const v = parseInt(w, 16);
    yield v >> 8;
    yield v & 0xff;
  }
}
