// VrrpSocket against the real kernel: host a sends VRRPv3 adverts (IPv4 and
// IPv6, multicast and unicast, TTL 255 and 64) through our addon; host b
// receives them on its own VrrpSockets (in a child process in b's namespace)
// and must report src, dst, ifindex and TTL/hop limit exactly, with payloads
// whose v3 checksum (computed by our codec, untouched by the kernel) verifies.
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { Lab, waitFor } from '../lib/lab.ts';
import { encodeAdvert, decodeAdvert } from '../../src/vrrp/packet.ts';
import type { Advert } from '../../src/vrrp/advert.ts';
import { centis } from '../../src/base/units.ts';
import { spawnFixture } from './fixtures/child.ts';

const A4 = '10.211.0.1', B4 = '10.211.0.2', A6 = 'fd00:211::1', B6 = 'fd00:211::2', VIP4 = '10.211.0.100', VIP6 = 'fd00:211::100';

const advert = (family: 4 | 6, vrid: number): Advert => ({
  version: 3, family, vrid, priority: 100 + vrid, advertIntervalCs: centis(100),
  addresses: [family === 4 ? VIP4 : VIP6], authType: 0, authData: '',
});
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function linkLocal(lab: Lab, host: string): string | undefined {
  const out = lab.exec(host, ['ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']);
  return /inet6 (fe80::[0-9a-f:]+)\//.exec(out)?.[1];
}

test('adverts sent by host a arrive at host b with the right src, dst, ifindex and TTL; TTL 64 is dropped', async () => {
  const lab = Lab.create([{ name: 'a', ipv4: `${A4}/24`, ipv6: `${A6}/64` }, { name: 'b', ipv4: `${B4}/24`, ipv6: `${B6}/64` }], 'vs');
  try {
    const aLL = await waitFor('a link-local address', () => linkLocal(lab, 'a'));
    const bIfindex = Number(lab.exec('b', ['cat', '/sys/class/net/eth0/ifindex']).trim());
    const open = spawnFixture(lab, 'b', 'vrrp-listen.ts', ['eth0', '4,6']);
    const strict = spawnFixture(lab, 'b', 'vrrp-listen.ts', ['eth0', '4', '250', '255']);
    await open.waitLine('listener ready', (l) => l.event === 'ready');
    await strict.waitLine('strict listener ready', (l) => l.event === 'ready');

    const sends = [
      { vrid: 1, family: 4, src: A4, dst: '224.0.0.18' },
      { vrid: 2, family: 4, src: A4, dst: B4 },
      { vrid: 3, family: 4, src: A4, dst: '224.0.0.18', ttl: 64 },
      { vrid: 4, family: 4, src: A4, dst: B4, ttl: 64 },
      { vrid: 5, family: 6, src: aLL, dst: 'ff02::12' },
      { vrid: 6, family: 6, src: A6, dst: B6 },
      { vrid: 7, family: 6, src: aLL, dst: 'ff02::12', ttl: 64 },
    ] as const;
    const wire = sends.map((s) => ({ ...s, payload: hex(encodeAdvert(advert(s.family, s.vrid), { src: s.src, dst: s.dst })) }));
    const sender = spawnFixture(lab, 'a', 'vrrp-send.ts', ['eth0', JSON.stringify(wire)]);
    assert.equal(await sender.exited(), 0, sender.stderr());
    assert.deepEqual(sender.lines[0], { results: sends.map(() => ({ ok: true })) });

    const packetFor = (vrid: number) => open.waitLine(`advert vrid ${vrid}`, (l) => l.event === 'packet' && decodeVrid(l) === vrid);
    for (const s of sends.filter((x) => !('ttl' in x) || x.dst === B4)) {
      const p = await packetFor(s.vrid);
      const ttl = 'ttl' in s ? s.ttl : 255;
      assert.deepEqual(
        { family: p.family, src: p.src, dst: p.dst, ifindex: p.ifindex, ttl: p.ttl, multicast: p.multicast },
        { family: s.family, src: s.src, dst: s.dst, ifindex: bIfindex, ttl, multicast: s.dst.includes('.') ? s.dst === '224.0.0.18' : s.dst === 'ff02::12' },
        `vrid ${s.vrid}`,
      );
      if (s.src === aLL) assert.equal(p.scopeId, bIfindex, 'a link-local source carries its scope');
      const decoded = decodeAdvert(Buffer.from(p.payload as string, 'hex'), s.family, { src: s.src, dst: s.dst });
      assert.ok(decoded.ok, `vrid ${s.vrid} decodes with a good checksum: ${JSON.stringify(decoded)}`);
      assert.deepEqual(decoded.advert, advert(s.family, s.vrid));
    }
    // Multicast with TTL / hop limit 64: dropped at the edge, counted, never delivered.
    const d4 = await open.waitLine('IPv4 TTL drop', (l) => l.event === 'drop' && l.family === 4);
    assert.deepEqual([d4.reason, d4.src, d4.detail], ['ttlNot255', A4, 'TTL 64 to 224.0.0.18']);
    const d6 = await open.waitLine('IPv6 hop-limit drop', (l) => l.event === 'drop' && l.family === 6);
    assert.deepEqual([d6.reason, d6.src, d6.detail], ['ttlNot255', aLL, 'hop limit 64 to ff02::12']);
    // The listener with min_ttl 250 / max_ttl 255 drops the TTL-64 unicast and keeps the TTL-255 one.
    const du = await strict.waitLine('unicast TTL range drop', (l) => l.event === 'drop' && String(l.detail).startsWith('unicast'));
    assert.deepEqual([du.reason, du.detail], ['ttlNot255', 'unicast TTL 64 outside 250..255']);
    await strict.waitLine('unicast TTL 255 kept', (l) => l.event === 'packet' && decodeVrid(l) === 2);
    // Nothing delivered for the dropped ones; exactly the expected set arrived.
    const vrids = open.lines.filter((l) => l.event === 'packet').map(decodeVrid).sort();
    assert.deepEqual(vrids, [1, 2, 4, 5, 6]);
    assert.equal(strict.lines.filter((l) => l.event === 'packet').map(decodeVrid).includes(4), false);
  } finally {
    lab.cleanup();
  }
});

function decodeVrid(l: Record<string, unknown>): number {
  return Buffer.from(String(l.payload), 'hex')[1]!;
}

test('drain() reads, synchronously and with the poll path\'s metadata, what queued while the event loop was blocked', async () => {
  const lab = Lab.create([{ name: 'a', ipv4: `${A4}/24` }, { name: 'b', ipv4: `${B4}/24` }], 'vd');
  const marker = join(mkdtempSync(join(tmpdir(), `vk${process.pid}-drain-`)), 'go');
  try {
    const bIfindex = Number(lab.exec('b', ['cat', '/sys/class/net/eth0/ifindex']).trim());
    const b = spawnFixture(lab, 'b', 'vrrp-drain.ts', ['eth0', '4', marker]);
    await b.waitLine('drain fixture ready', (l) => l.event === 'ready');
    const sends = [1, 2, 3].map((vrid) => ({ vrid, family: 4, src: A4, dst: vrid === 2 ? B4 : '224.0.0.18' }));
    const wire = sends.map((x) => ({ ...x, payload: hex(encodeAdvert(advert(4, x.vrid), { src: x.src, dst: x.dst })) }));
    const ttl64 = { family: 4, src: A4, dst: '224.0.0.18', ttl: 64, payload: hex(encodeAdvert(advert(4, 4), { src: A4, dst: '224.0.0.18' })) };
    const sender = spawnFixture(lab, 'a', 'vrrp-send.ts', ['eth0', JSON.stringify([...wire, ttl64])]);
    assert.equal(await sender.exited(), 0, sender.stderr());
    writeFileSync(marker, '');
    const out = await b.waitLine('drained', (l) => l.event === 'drained');
    const packets = out.packets as Array<Record<string, unknown>>;
    assert.deepEqual(packets.map((p) => ({ src: p.src, dst: p.dst, ifindex: p.ifindex, ttl: p.ttl, multicast: p.multicast, payload: p.payload })),
      wire.map((w) => ({ src: A4, dst: w.dst, ifindex: bIfindex, ttl: 255, multicast: w.dst === '224.0.0.18', payload: w.payload })));
    assert.deepEqual((out.drops as Array<Record<string, unknown>>).map((d) => d.reason), ['ttlNot255'], 'the TTL check runs on drained packets too');
    await sleep(300);
    assert.equal(b.lines.filter((l) => l.event === 'late').length, 0, 'nothing left for the poll path');
  } finally {
    rmSync(dirname(marker), { recursive: true, force: true });
    lab.cleanup();
  }
});


test('the poll path reads what queued during a block as one batch (the daemon holds the core\'s timers over it)', async () => {
  const lab = Lab.create([{ name: 'a', ipv4: `${A4}/24` }, { name: 'b', ipv4: `${B4}/24` }], 'vp');
  const marker = join(mkdtempSync(join(tmpdir(), `vk${process.pid}-poll-`)), 'go');
  try {
    const b = spawnFixture(lab, 'b', 'vrrp-poll-batch.ts', ['eth0', '4', marker]);
    await b.waitLine('poll fixture ready', (l) => l.event === 'ready');
    const dst = '224.0.0.18';
    const wire = [1, 2, 3].map((vrid) => ({ family: 4, src: A4, dst, payload: hex(encodeAdvert(advert(4, vrid), { src: A4, dst })) }));
    const ttl64 = { family: 4, src: A4, dst, ttl: 64, payload: hex(encodeAdvert(advert(4, 4), { src: A4, dst })) };
    const sender = spawnFixture(lab, 'a', 'vrrp-send.ts', ['eth0', JSON.stringify([...wire, ttl64])]);
    assert.equal(await sender.exited(), 0, sender.stderr());
    writeFileSync(marker, '');
    const out = await b.waitLine('batches', (l) => l.event === 'batches');
    assert.deepEqual(out.outside, [], 'nothing is emitted outside a batch');
    assert.deepEqual(out.batches, [[1, 2, 3, 'ttlNot255']], 'one wake-up, one batch, in arrival order');
  } finally {
    rmSync(dirname(marker), { recursive: true, force: true });
    lab.cleanup();
  }
});
