// Codec throughput: adverts encoded then decoded per second, on one core.
// Usage: node --import tsx scripts/bench/codec.ts [--seconds S] [--rounds N]
// Each case warms up first (so V8 has optimised the code), then runs N timed
// rounds of about S seconds; we print the median round and the spread. The
// rate is per second of this process's CPU time (process.cpuUsage, which also
// counts GC helper threads, so it errs low), because the machine is shared
// and wall-clock rates fall with other people's load; wall rates are shown too.
import { parseArgs } from 'node:util';
import { centis } from '../../src/base/units.ts';
import type { Advert, PacketEnds } from '../../src/vrrp/advert.ts';
import { decodeAdvert, encodeAdvert } from '../../src/vrrp/packet.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' }, rounds: { type: 'string', default: '5' } } });
const roundMs = Number(values.seconds) * 1000;
const rounds = Number(values.rounds);

const V4: PacketEnds = { src: '10.0.0.1', dst: '224.0.0.18' };
const V6: PacketEnds = { src: 'fe80::5eff:fe77:1', dst: 'ff02::12' };
const base = { vrid: 51, priority: 100, authType: 0, authData: '' } as const;
const cases: { name: string; advert: Advert; ends: PacketEnds }[] = [
  { name: 'v2 IPv4, 1 address, PASS', ends: V4, advert: { ...base, version: 2, family: 4, advertIntervalCs: centis(100), addresses: ['10.0.0.100'], authType: 1, authData: 'secret12' } },
  { name: 'v3 IPv4, 1 address', ends: V4, advert: { ...base, version: 3, family: 4, advertIntervalCs: centis(100), addresses: ['10.0.0.100'] } },
  { name: 'v3 IPv4, 8 addresses', ends: V4, advert: { ...base, version: 3, family: 4, advertIntervalCs: centis(100), addresses: Array.from({ length: 8 }, (_, i) => `10.0.0.${100 + i}`) } },
  { name: 'v3 IPv6, 1 address', ends: V6, advert: { ...base, version: 3, family: 6, advertIntervalCs: centis(100), addresses: ['fd00:77::100'] } },
];

const BATCH = 10_000;
let sink = 0; // consumed below so the work cannot be optimised away

function batch(advert: Advert, ends: PacketEnds): void {
  for (let i = 0; i < BATCH; i++) {
    const r = decodeAdvert(encodeAdvert(advert, ends), advert.family, ends);
    if (!r.ok) throw new Error(`bench advert failed to decode: ${r.reason}`);
    sink += r.advert.priority;
  }
}

/** Round-trips per CPU second and per wall second over one round of about roundMs. */
function round(advert: Advert, ends: PacketEnds): { cpu: number; wall: number } {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  do {
    batch(advert, ends);
    n += BATCH;
    elapsed = performance.now() - start;
  } while (elapsed < roundMs);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: n / ((cpu.user + cpu.system) / 1e6), wall: (n / elapsed) * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`node ${process.version}, ${rounds} rounds of ~${roundMs} ms per case, after a warm-up`);
for (const c of cases) {
  for (let i = 0; i < 30; i++) batch(c.advert, c.ends); // warm-up: 300k round trips
  const rs = Array.from({ length: rounds }, () => round(c.advert, c.ends));
  const cpu = rs.map((r) => r.cpu);
  const m = median(cpu);
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`${c.name.padEnd(26)} ${fmt(m).padStart(10)} /CPU-s (min ${fmt(Math.min(...cpu))}, max ${fmt(Math.max(...cpu))}; ` +
    `${(1e9 / m).toFixed(0)} ns each)  wall ${fmt(median(rs.map((r) => r.wall)))} /s`);
}
if (sink === 0) console.log('unreachable');
