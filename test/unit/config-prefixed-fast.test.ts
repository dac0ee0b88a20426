// parsePrefixed's fast path for canonical dotted quads must agree with the
// general parse (parseIp + formatIp) on every text, canonical or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, parseIp } from '../../src/base/ip.ts';
import { parsePrefixed } from '../../src/config/values.ts';

function reference(t: string): unknown {
  const s = t.indexOf('/');
  const a = s < 0 ? t : t.slice(0, s);
  const p = parseIp(a);
  if (!p) return null;
  const max = p.family === 4 ? 32 : 128;
  if (s < 0) return { address: canonicalIp(a), family: p.family, prefixLength: max };
  const l = t.slice(s + 1);
  if (!/^[+-]?\d+$/.test(l)) return null;
  const n = Number(l);
  return Number.isSafeInteger(n) && n >= 0 && n <= max ? { address: canonicalIp(a), family: p.family, prefixLength: n } : null;
}

test('parsePrefixed agrees with the general parse on corner cases', () => {
  const cases = ['10.0.0.1', '10.0.0.1/32', '10.0.0.1/33', '10.0.0.1/-0', '10.0.0.1/+8', '010.0.0.1', '10.0.0.256', '10.0.0',
    '10.0.0.1.', '10.0.0.1/', '1.2.3.4/x', '255.255.255.255/0', '0.0.0.0', '1.2.3.04', '10.0.0.1a', 'fd00::1/64',
    '::ffff:1.2.3.4', '1..2.3', '1.2.3.4/032', '10.100.200.250/24', '\u0661.2.3.4', '10.0.0.1/99999999999999999999', '1.2.3.4 '];
  for (const c of cases) assert.deepEqual(parsePrefixed(c), reference(c), c);
});

test('parsePrefixed agrees with the general parse on random quads (leading zeros, octets > 255, prefixes)', () => {
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let k = 0; k < 50_000; k++) {
    const parts = [0, 1, 2, 3].map(() => { const r = rnd(20); return r === 0 ? `0${rnd(99)}` : r === 1 ? String(rnd(400)) : String(rnd(256)); });
    const t = parts.join('.') + (rnd(2) === 0 ? `/${rnd(40)}` : '');
    assert.deepEqual(parsePrefixed(t), reference(t), t);
  }
});
