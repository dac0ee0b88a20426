// Native IO figures (docs/benchmarks.md, "Native IO"): the cost of one GARP
// send, and the latency from VrrpSocket.send on host a to the 'packet' event
// on host b, over a lab bridge. Run as root: node --import tsx scripts/bench/native-io.ts [garps] [adverts]
import { Lab } from '../../test/lib/lab.ts';
import { spawnFixture } from '../../test/netns/fixtures/child.ts';

const garps = Math.min(Number(process.argv[2] ?? 2000), 20_000);
const adverts = Math.min(Number(process.argv[3] ?? 500), 5_000);
const lab = Lab.create([{ name: 'a', ipv4: '10.214.0.1/24', ipv6: 'fd00:214::1/64' }, { name: 'b', ipv4: '10.214.0.2/24', ipv6: 'fd00:214::2/64' }], 'bn');
try {
  const g = spawnFixture(lab, 'a', 'bench-garp.ts', ['eth0', '10.214.0.100', String(garps)]);
  if (await g.exited(120_000) !== 0) throw new Error(g.stderr());
  console.log('GARP send (build + sendto), µs:', JSON.stringify(g.lines[0]));

  for (const family of [4, 6] as const) {
    const listener = spawnFixture(lab, 'b', 'vrrp-listen.ts', ['eth0', String(family)]);
    await listener.waitLine('listener ready', (l) => l.event === 'ready');
    // 16 bytes: a VRRPv3 header byte, then the send time (CLOCK_MONOTONIC ns) at offset 8.
    const payload = '31' + '00'.repeat(15);
    const src = family === 4 ? '10.214.0.1' : 'fd00:214::1';
    const sends = Array.from({ length: adverts }, () => ({ family, src, payload, stampAt: 8, gapMs: 2 }));
    const sender = spawnFixture(lab, 'a', 'vrrp-send.ts', ['eth0', JSON.stringify(sends)]);
    if (await sender.exited(120_000) !== 0) throw new Error(sender.stderr());
    await listener.waitLine('all adverts', () => listener.lines.filter((l) => l.event === 'packet').length >= adverts, 10_000).catch(() => undefined);
    const lat = listener.lines.filter((l) => l.event === 'packet').map((l) => {
      const sentNs = Buffer.from(String(l.payload), 'hex').readBigUInt64BE(8);
      return Number(BigInt(String(l.rxNs)) - sentNs) / 1000;
    }).sort((a, b) => a - b);
    const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1);
    console.log(`IPv${family} multicast advert send→'packet' event, µs: n=${lat.length}/${adverts} median=${q(0.5)} p99=${q(0.99)} max=${q(1)}`);
    listener.child.kill('SIGTERM');
  }
} finally {
  lab.cleanup();
}
