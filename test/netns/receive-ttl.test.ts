// TTL / hop limit on receive, through the real kernel, at both layers that
// decide: the VrrpSocket (multicast must arrive with 255) and the daemon
// (keepalived's rule per instance: without unicast_peer every advert must
// carry 255, whatever its destination; with unicast_peer only the peer's
// min_ttl/max_ttl applies). Values next to 255 (254) and the smallest (1) are
// the ones a sloppy check lets through; 64 alone caught neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, waitFor } from '../lib/lab.ts';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config, type InstanceOptions } from '../lib/conf.ts';
import { encodeAdvert } from '../../src/vrrp/packet.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import { centis } from '../../src/base/units.ts';
import { spawnFixture } from './fixtures/child.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function linkLocal(lab: Lab, host: string): string | undefined {
  const out = lab.exec(host, ['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']);
  return /inet6 (fe80::[0-9a-f:]+)\//.exec(out)?.[1];
}

function advert(family: 4 | 6, vrid: number, vip: string): Advert {
  return { version: 3, family, vrid, priority: 200, advertIntervalCs: centis(100), addresses: [vip], authType: 0, authData: '' };
}

interface Send { family: 4 | 6; vrid: number; src: string; dst: string; ttl: number; vip: string }
const wire = (s: Send) => ({ family: s.family, src: s.src, dst: s.dst, ttl: s.ttl, payload: hex(encodeAdvert(advert(s.family, s.vrid, s.vip), { src: s.src, dst: s.dst })) });
const vrid = (l: Record<string, unknown>) => Buffer.from(String(l.payload), 'hex')[1]!;

test('VrrpSocket: multicast with TTL / hop limit 254 or 1 is dropped; unicast reports its TTL as received, and a 255..255 range drops it', async () => {
  const A4 = '10.212.0.1', B4 = '10.212.0.2', A6 = 'fd00:212::1', B6 = 'fd00:212::2';
  const lab = Lab.create([{ name: 'a', ipv4: `${A4}/24`, ipv6: `${A6}/64` }, { name: 'b', ipv4: `${B4}/24`, ipv6: `${B6}/64` }], 'tt');
  try {
    const aLL = await waitFor('a link-local address', () => linkLocal(lab, 'a'));
    const open = spawnFixture(lab, 'b', 'vrrp-listen.ts', ['eth0', '4,6']);
    const strict = spawnFixture(lab, 'b', 'vrrp-listen.ts', ['eth0', '4,6', '255', '255']);
    await open.waitLine('listener ready', (l) => l.event === 'ready');
    await strict.waitLine('strict listener ready', (l) => l.event === 'ready');
    const sends: Send[] = [
      { family: 4, vrid: 1, src: A4, dst: '224.0.0.18', ttl: 254, vip: '10.212.0.100' },
      { family: 4, vrid: 2, src: A4, dst: '224.0.0.18', ttl: 1, vip: '10.212.0.100' },
      { family: 6, vrid: 3, src: aLL, dst: 'ff02::12', ttl: 254, vip: 'fd00:212::100' },
      { family: 6, vrid: 4, src: aLL, dst: 'ff02::12', ttl: 1, vip: 'fd00:212::100' },
      { family: 4, vrid: 5, src: A4, dst: B4, ttl: 254, vip: '10.212.0.100' },
      { family: 4, vrid: 6, src: A4, dst: B4, ttl: 1, vip: '10.212.0.100' },
      { family: 6, vrid: 7, src: A6, dst: B6, ttl: 254, vip: 'fd00:212::100' },
      { family: 6, vrid: 8, src: A6, dst: B6, ttl: 1, vip: 'fd00:212::100' },
      // Controls, last: once they arrive, everything before them has been handled.
      { family: 4, vrid: 9, src: A4, dst: '224.0.0.18', ttl: 255, vip: '10.212.0.100' },
      { family: 6, vrid: 10, src: aLL, dst: 'ff02::12', ttl: 255, vip: 'fd00:212::100' },
    ];
    const sender = spawnFixture(lab, 'a', 'vrrp-send.ts', ['eth0', JSON.stringify(sends.map(wire))]);
    assert.equal(await sender.exited(), 0, sender.stderr());
    assert.deepEqual(sender.lines[0], { results: sends.map(() => ({ ok: true })) });
    for (const l of [open, strict]) {
      await l.waitLine('IPv4 control', (x) => x.event === 'packet' && vrid(x) === 9);
      await l.waitLine('IPv6 control', (x) => x.event === 'packet' && vrid(x) === 10);
    }

    // Multicast: dropped by both listeners, with the value seen, never delivered.
    const drops = (l: typeof open) => l.lines.filter((x) => x.event === 'drop').map((x) => `${x.family} ${x.reason} ${x.src} ${x.detail}`).sort();
    const multicastDrops = [
      `4 ttlNot255 ${A4} TTL 1 to 224.0.0.18`, `4 ttlNot255 ${A4} TTL 254 to 224.0.0.18`,
      `6 ttlNot255 ${aLL} hop limit 1 to ff02::12`, `6 ttlNot255 ${aLL} hop limit 254 to ff02::12`,
    ];
    assert.deepEqual(drops(open), multicastDrops);
    // Unicast: the open socket decides nothing (the daemon does, per instance) and reports the TTL exactly.
    const got = open.lines.filter((x) => x.event === 'packet').map((x) => `${vrid(x)} ${x.family} ${x.dst} ttl ${x.ttl} ${x.multicast}`).sort();
    assert.deepEqual(got, [`10 6 ff02::12 ttl 255 true`, `5 4 ${B4} ttl 254 false`, `6 4 ${B4} ttl 1 false`, `7 6 ${B6} ttl 254 false`, `8 6 ${B6} ttl 1 false`, `9 4 224.0.0.18 ttl 255 true`]);
    // A socket given min 255 / max 255 drops the unicast ones too.
    assert.deepEqual(drops(strict), [
      ...multicastDrops.slice(0, 2),
      `4 ttlNot255 ${A4} unicast TTL 1 outside 255..255`, `4 ttlNot255 ${A4} unicast TTL 254 outside 255..255`,
      ...multicastDrops.slice(2),
      `6 ttlNot255 ${A6} unicast TTL 1 outside 255..255`, `6 ttlNot255 ${A6} unicast TTL 254 outside 255..255`,
    ].sort());
    assert.deepEqual(strict.lines.filter((x) => x.event === 'packet').map(vrid).sort((a, b) => a - b), [9, 10]);
  } finally {
    lab.cleanup();
  }
});

interface Case { name: string; family: 4 | 6; vrid: number; what: string; dst: 'group' | 'unicast'; ttl: number; peer?: string; accepted: boolean }

test('daemon: an instance without unicast_peer wants TTL/HL 255 on every advert (multicast or not); with unicast_peer only min_ttl/max_ttl apply', async () => {
  const v = createVrrpLab('td', 2, 88);
  try {
    const A4 = '10.88.0.1', B4 = '10.88.0.2', A6 = 'fd00:88::1', B6 = 'fd00:88::2';
    const aLL = await waitFor('r1 link-local address', () => linkLocal(v.lab, 'r1'));
    const cases: Case[] = [];
    for (const family of [4, 6] as const) {
      const base = family === 4 ? 0 : 20;
      const add = (n: number, c: Omit<Case, 'family' | 'vrid' | 'name'>) =>
        cases.push({ ...c, family, vrid: base + n, name: `V${family}_${c.what}` });
      add(1, { what: 'mcast_ttl254', dst: 'group', ttl: 254, accepted: false });
      add(2, { what: 'mcast_ttl1', dst: 'group', ttl: 1, accepted: false });
      add(3, { what: 'mcast_ttl255', dst: 'group', ttl: 255, accepted: true });
      // keepalived (vrrp_check_packet): no unicast_peer -> TTL/HL must be 255, whatever the destination.
      add(4, { what: 'mcastInst_ucast_ttl254', dst: 'unicast', ttl: 254, accepted: false });
      add(5, { what: 'mcastInst_ucast_ttl1', dst: 'unicast', ttl: 1, accepted: false });
      add(6, { what: 'mcastInst_ucast_ttl255', dst: 'unicast', ttl: 255, accepted: true });
      // unicast_peer without min_ttl/max_ttl: keepalived checks no TTL (the peer may be routed).
      add(7, { what: 'peer_ttl254', dst: 'unicast', ttl: 254, peer: '', accepted: true });
      add(8, { what: 'peer_ttl1', dst: 'unicast', ttl: 1, peer: '', accepted: true });
      add(9, { what: 'peerMin255_ttl254', dst: 'unicast', ttl: 254, peer: ' min_ttl 255', accepted: false });
      add(10, { what: 'peerMin2_ttl1', dst: 'unicast', ttl: 1, peer: ' min_ttl 2 max_ttl 255', accepted: false });
    }
    const vipOf = (c: Case) => (c.family === 4 ? `10.88.${c.vrid}.100` : `fd00:88:${c.vrid}::100`);
    const inst = (c: Case): InstanceOptions => ({
      name: c.name, vrid: c.vrid, priority: 100, version: 3, advertInt: '3', vips: [`${vipOf(c)}/${c.family === 4 ? 24 : 64}`],
      ...(c.peer === undefined ? {} : { unicastSrc: c.family === 4 ? B4 : B6, unicastPeers: [`${c.family === 4 ? A4 : A6}${c.peer}`] }),
    });
    const r2 = v.start('r2', config('r2', cases.map(inst)));
    for (const c of cases) await r2.waitForLine(new RegExp(`\\(${c.name}\\) Entering BACKUP STATE`), 15_000);

    const ROUNDS = 8;
    const round = cases.map((c) => {
      const dst = c.dst === 'group' ? (c.family === 4 ? '224.0.0.18' : 'ff02::12') : (c.family === 4 ? B4 : B6);
      const src = c.family === 4 ? A4 : c.dst === 'group' ? aLL : A6;
      return wire({ family: c.family, vrid: c.vrid, src, dst, ttl: c.ttl, vip: vipOf(c) });
    });
    const messages = Array.from({ length: ROUNDS }, () => round.map((m, i) => (i === round.length - 1 ? { ...m, gapMs: 50 } : m))).flat();
    const sender = spawnFixture(v.lab, 'r1', 'vrrp-send.ts', ['eth0', JSON.stringify(messages)]);
    assert.equal(await sender.exited(20_000), 0, sender.stderr());
    await new Promise((r) => setTimeout(r, 300));

    r2.signal('SIGUSR2');
    const statsFile = join(r2.dir, 'keepalived.stats');
    type Stats = { drops: Record<string, number>; instances: Array<{ name: string; state: string; stats: { advertisementsReceived: number } }> };
    const stats = await waitFor('stats dump', () => {
      try { return JSON.parse(readFileSync(statsFile, 'utf8')) as Stats; } catch { return undefined; }
    }, 5000);
    const received = Object.fromEntries(stats.instances.map((i) => [i.name, i.stats.advertisementsReceived]));
    const want = Object.fromEntries(cases.map((c) => [c.name, c.accepted ? ROUNDS : 0]));
    assert.deepEqual(received, want, `adverts that reached each instance; drops ${JSON.stringify(stats.drops)}\n${r2.log()}`);
    for (const i of stats.instances) assert.equal(i.state, 'BACKUP', `${i.name}: nothing took over during the test`);
    // Each refused advert is counted once, under keepalived's reason.
    const perReason = (reason: string) => stats.drops[`eth0|${reason}`] ?? 0;
    assert.equal(perReason('ttlNot255'), ROUNDS * 8, JSON.stringify(stats.drops));
    assert.equal(perReason('unicastTtlOutOfRange'), ROUNDS * 4, JSON.stringify(stats.drops));
    await r2.waitForLine(/invalid TTL\/HL from 10\.88\.0\.1: TTL 254 to 224\.0\.0\.18, expected 255/, 2000);
  } finally {
    v.cleanup();
  }
});
