// Spawn cost per script check: our process-group runner vs plain
// child_process.spawn, N sequential runs of /bin/true each.
// Usage: node --import tsx scripts/bench/trackers.ts [runs=200]
import { spawn } from 'node:child_process';
import { runInGroup } from '../../src/track/spawn-group.ts';
import { ScriptRunner } from '../../src/track/script-runner.ts';
import { Limiter } from '../../src/track/limiter.ts';
import { millis } from '../../src/base/units.ts';

const runs = Number(process.argv[2] ?? 200);

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms (n=${s.length})`;
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const plain = () => new Promise((r) => spawn('/bin/true').once('exit', r));
const plainIgnore = () => new Promise((r) => spawn('/bin/true', [], { stdio: 'ignore' }).once('exit', r));
// Root, as a script with no user and no keepalived_script runs (through the exec launcher).
const ROOT = { uid: 0, gid: 0, groups: [0] };
const group = () => runInGroup({ argv: ['/bin/true'], ids: ROOT, timeoutMs: 5000 }).done;

/** Whole runner path: schedule, limiter, spawn, hysteresis; duration as the runner measured it. */
async function runnerDurations(): Promise<number[]> {
  const out: number[] = [];
  await new Promise<void>((resolve) => {
    const runner = new ScriptRunner({
      now: () => millis(performance.now()),
      limiter: new Limiter(1, 1),
      onChange: () => {},
      onResult: (r) => {
        out.push(r.durationMs);
        if (out.length === runs) void runner.stop().then(resolve);
      },
    });
    runner.add({ id: 'script:true', argv: ['/bin/true'], ids: ROOT, intervalMs: millis(20), timeoutMs: millis(5000), hysteresis: { rise: 1, fall: 1, initFail: false } });
    runner.start();
  });
  return out;
}

/** Interleaved, so the three see the same background load (the machine is shared). */
async function interleaved(fns: (() => Promise<unknown>)[]): Promise<{ wall: number[]; cpu: number[] }[]> {
  const out = fns.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < fns.length; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fns[k]!();
      out[k]!.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      out[k]!.cpu.push((c.user + c.system) / 1000);
    }
  }
  return out;
}

await time(plain); // warm-up
const [a, b, c] = await interleaved([plain, plainIgnore, group]);
for (const [name, r] of [['child_process.spawn (default pipes)', a!], ["child_process.spawn stdio:'ignore'", b!], ['runInGroup (detached, ignore, env)', c!]] as const) {
  console.log(`${name}: wall ${stats(r.wall)}; our CPU ${stats(r.cpu)}`);
}
console.log(`ScriptRunner per check (interval 20 ms): ${stats(await runnerDurations())}`);
