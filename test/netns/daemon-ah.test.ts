// auth_type AH through the daemon, against packets crafted by the test (the
// keepalived interop is test/interop/keepalived-ah.test.ts): a MASTER with AH
// hears a burst of bad AH traffic — TTL 254 and 1, a wrong key, replayed
// sequence numbers, plain VRRP for its VRID, AH for an instance without AH,
// AH for another protocol, truncated AH — drops and counts each with its own
// reason, says so in keepalived's words, stays MASTER with its VIP, and
// survives. The TTL check applies to AH as to plain VRRP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';
import { spawnFixture } from './fixtures/child.ts';
import { centis } from '../../src/base/units.ts';
import { encodeAdvert } from '../../src/vrrp/packet.ts';
import { ahKey, encodeAhPacket } from '../../src/vrrp/ah.ts';
import { hmacMd5 } from '../../src/net/hmac-md5.ts';
import type { Advert } from '../../src/vrrp/advert.ts';

const SUBNET = 87;
const VIP = `10.${SUBNET}.0.100`;
const SRC = `10.${SUBNET}.0.200`; // the client plays a second router
const GROUP = '224.0.0.18';
const N = 20;

const advert = (vrid: number, priority: number, authType: 0 | 2 = 2): Advert => ({
  version: 2, family: 4, vrid, priority, advertIntervalCs: centis(100), addresses: [vrid === 51 ? VIP : `10.${SUBNET}.0.101`], authType, authData: '',
});
function ah(a: Advert, seq: number, opts: { ttl?: number; password?: string } = {}): Uint8Array {
  const vrrp = encodeAdvert(a, { src: SRC, dst: GROUP });
  return encodeAhPacket(vrrp, { src: SRC, dst: GROUP, ttl: opts.ttl ?? 255, ipId: seq & 0xffff, seq, unicast: false }, ahKey(opts.password ?? 'secret12'), hmacMd5);
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const asAh = (b: Uint8Array) => ({ family: 4, src: SRC, dst: GROUP, protocol: 51, payload: hex(b) });
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

test('AH: bad AH traffic at a MASTER is dropped and counted by reason, in keepalived\'s words; it stays MASTER', async () => {
  const v = createVrrpLab('ahd', 1, SUBNET);
  try {
    const r1 = v.start('r1', config('r1', [
      { priority: 150, version: 2, advertInt: '1', vips: [`${VIP}/24`], authType: 'AH', authPass: 'secret12' },
      { name: 'VI_2', vrid: 52, priority: 150, version: 2, advertInt: '1', vips: [`10.${SUBNET}.0.101/24`] },
    ]));
    await waitFor('r1 MASTER for both', () => r1.state('VI_1') === 'MASTER' && r1.state('VI_2') === 'MASTER', 15_000);
    await v.waitVip('r1', VIP);

    const nextHeaderTcp = ah(advert(51, 100), 5000);
    nextHeaderTcp[20] = 6;
    const sends = [
      ...times(N, (i) => asAh(ah(advert(51, 200), 2000 + i, { ttl: 254 }))), // higher priority, but TTL 254: never heard
      ...times(N, (i) => asAh(ah(advert(51, 200), 3000 + i, { ttl: 1 }))),
      ...times(N, (i) => asAh(ah(advert(51, 200), 4000 + i, { password: 'wrong222' }))),
      asAh(ah(advert(51, 100), 1000)), // lower priority, good: accepted (seq 1000 is now the last)
      ...times(N, () => asAh(ah(advert(51, 200), 1000))), // replays of 1000, at higher priority
      ...times(N, (i) => asAh(ah(advert(51, 200), 999 - i))), // older numbers
      ...times(N, () => ({ family: 4, src: SRC, dst: GROUP, payload: hex(encodeAdvert(advert(51, 200), { src: SRC, dst: GROUP })) })), // plain VRRP for the AH instance
      ...times(N, (i) => asAh(ah(advert(52, 200), 6000 + i))), // AH for VI_2, which has no AH
      ...times(N, () => asAh(nextHeaderTcp)), // AH for another protocol: ignored
      ...times(N, () => asAh(ah(advert(51, 200), 7000).slice(0, 40))), // truncated: the kernel sends 40 bytes
    ];
    const sender = spawnFixture(v.lab, 'client', 'vrrp-send.ts', ['eth0', JSON.stringify(sends)]);
    const result = await sender.waitLine('sender result', (l) => 'results' in l, 20_000);
    const failed = (result['results'] as Array<{ ok: boolean }>).filter((r) => !r.ok).length;
    assert.equal(failed, 0, JSON.stringify(result));
    await new Promise((r) => setTimeout(r, 500));

    assert.equal(r1.child.exitCode, null, `the daemon must survive:\n${r1.log()}`);
    assert.equal(r1.state('VI_1'), 'MASTER', r1.log());
    assert.equal(v.hasVip('r1', VIP), true);
    for (const re of [
      /invalid TTL\/HL from 10\.87\.0\.200: TTL 254 to 224\.0\.0\.18, expected 255/,
      /\(VI_1\) IPSEC-AH : invalid IPSEC HMAC-MD5 value\. Due to fields mutation or bad password !/,
      /\(VI_1\) Received advert from 10\.87\.0\.200 with lower priority 100, ours 150/,
      /\(VI_1\) IPSEC-AH : sequence number 1000 already processed\. Packet dropped\. Local\(\d+\)/,
      /\(VI_1\) No AH header but auth type is AH/,
      /\(VI_2\) Received AH header but auth type not AH/,
    ]) await r1.waitForLine(re, 3000);

    r1.signal('SIGUSR2');
    const stats = await waitFor('stats dump', () => {
      try { return JSON.parse(readFileSync(`${r1.dir}/keepalived.stats`, 'utf8')) as { drops: Record<string, number> }; } catch { return undefined; }
    }, 5000);
    const count = (suffix: string) => Object.entries(stats.drops).filter(([k]) => k.endsWith(`|${suffix}`)).reduce((n, [, c]) => n + c, 0);
    const drops = JSON.stringify(stats.drops);
    assert.equal(count('ttlNot255'), 2 * N, drops);
    assert.equal(count('ahIcvInvalid'), N, drops);
    assert.equal(count('ahSeqReplayed'), 2 * N, drops);
    assert.equal(count('ahMissing'), N, drops);
    assert.equal(count('ahUnexpected'), N, drops);
    assert.equal(count('ahNextHeader'), N, drops);
    assert.equal(count('tooShort'), N, drops);
    assert.equal(r1.lines.filter((l) => /AH next header/.test(l.text)).length, 0, 'AH for other protocols is counted, not logged');
  } finally {
    v.cleanup();
  }
});
