// Benchmark of the pure core: mean ns per event handled by one instance.
// Usage: node --import tsx scripts/bench/core.ts [events=1000000] [runs=5]
// Reports the median of `runs` runs per case (after a warm-up run), as CPU time
// (user + system, which other load on a shared machine inflates least) and wall time.
import { millis } from '../../src/base/units.ts';
import type { Millis } from '../../src/base/units.ts';
import { Instance } from '../../src/vrrp/instance.ts';
import type { InstanceEvent } from '../../src/vrrp/types.ts';
import { advertOf, makeConfig } from '../../test/lib/pair.ts';

const events = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 5);

interface Case {
  readonly name: string;
  /** A fresh instance in the state under test, and the event to feed it at time `now`. */
  setup(): { instance: Instance; event: (i: number) => InstanceEvent; now: (i: number) => Millis };
}

const peer = makeConfig({ name: 'PEER', primaryAddress: '10.0.0.2', priority: 150 });

const cases: Case[] = [
  {
    name: 'BACKUP: advert from a better master (accepted, Master_Down reset)',
    setup() {
      const instance = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 100 }));
      instance.handle({ type: 'start' }, millis(0));
      const ev: InstanceEvent = { type: 'advert', advert: advertOf(peer, 150), src: '10.0.0.2' };
      return { instance, event: () => ev, now: (i) => millis(i) };
    },
  },
  {
    name: 'MASTER: advert from a lower-priority router (log, answer, GARP)',
    setup() {
      const instance = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 255, initialState: 'MASTER' }));
      instance.handle({ type: 'start' }, millis(0));
      const ev: InstanceEvent = { type: 'advert', advert: advertOf(peer, 100), src: '10.0.0.2' };
      return { instance, event: () => ev, now: (i) => millis(i / 1000) };
    },
  },
  {
    name: 'MASTER: advert timer (send the periodic advert)',
    setup() {
      const instance = new Instance(makeConfig({ name: 'VI_1', primaryAddress: '10.0.0.1', priority: 255, initialState: 'MASTER' }));
      instance.handle({ type: 'start' }, millis(0));
      const ev: InstanceEvent = { type: 'timeout' };
      return { instance, event: () => ev, now: (i) => millis((i + 1) * 1000) };
    },
  },
];

function runOnce(c: Case): { cpuNs: number; wallNs: number } {
  const { instance, event, now } = c.setup();
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events; i++) sink += instance.handle(event(i), now(i)).length;
  const wallNs = Number(process.hrtime.bigint() - t0) / events;
  const cpu = process.cpuUsage(cpu0);
  const cpuNs = ((cpu.user + cpu.system) * 1000) / events;
  // Guard against measuring a no-op: every event must have been taken in (or acted on).
  const taken = instance.stats.advertisementsReceived + instance.stats.advertisementsSent;
  if (taken < events) throw new Error(`${c.name}: only ${taken} of ${events} events were handled (${sink} actions)`);
  return { cpuNs, wallNs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`core bench: ${events} events per run, median of ${runs} runs, node ${process.version}`);
for (const c of cases) {
  runOnce(c); // warm-up (JIT)
  const samples = Array.from({ length: runs }, () => runOnce(c));
  const cpu = median(samples.map((s) => s.cpuNs));
  const wall = median(samples.map((s) => s.wallNs));
  console.log(`${cpu.toFixed(0).padStart(6)} ns cpu ${wall.toFixed(0).padStart(6)} ns wall /event  ${c.name}`);
}
