// What a large config costs: `keepalived -t` and `vipkeeper -t` side by side
// on generated files of the shapes that hurt a config reader most (see
// lib/config-shapes.ts for how each is generated). Prints wall time, CPU
// (user+sys) and peak RSS from GNU time, and vipkeeper/keepalived ratios.
// The target: CPU and peak memory within 2x of keepalived's.
// Usage: node --import tsx scripts/bench/config-cost.ts [MB=50] [shape,...|all] [timeout_s=120]
// (default shapes: all but `instances`, on which keepalived 2.2.7 is quadratic: > 300 s for 50 MB)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHAPES, SHAPE_NOTES, writeShape, type Shape } from './lib/config-shapes.ts';

const MB = Number(process.argv[2] ?? 50);
const pick = process.argv[3] ?? 'default';
const TIMEOUT_S = Number(process.argv[4] ?? 120);
const shapes: Shape[] = pick === 'all' ? [...SHAPES] : pick === 'default' ? SHAPES.filter((s) => s !== 'instances') : (pick.split(',') as Shape[]);
const REPO = new URL('../../', import.meta.url).pathname;
// The compiled build, as a package ships it (npm run build); else bin/vipkeeper (tsx).
const VK = existsSync(join(REPO, 'dist/src/main.js')) ? [process.execPath, join(REPO, 'dist/src/main.js')] : [join(REPO, 'bin/vipkeeper')];

interface Cost { wallS: number; cpuS: number; rssMiB: number; status: string }

function measure(cmd: string[], file: string, dir: string): Cost {
  const out = join(dir, 'time.out');
  spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M %x', 'timeout', '-s', 'KILL', String(TIMEOUT_S), ...cmd, '-t', '-f', file], { stdio: 'ignore' });
  const all = readFileSync(out, 'utf8');
  const m = /([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)/.exec(all.trim().split('\n').pop() ?? '');
  // timeout -s KILL: GNU time then reports the signal, and its own figures are of `timeout`, not of the check.
  if (!m || /terminated by signal|^137$/m.test(all) || m[5] === '137') return { wallS: TIMEOUT_S, cpuS: NaN, rssMiB: NaN, status: `killed after ${TIMEOUT_S} s` };
  const status = `exit ${m[5]}`;
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssMiB: Number(m[4]) / 1024, status };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), `vkcost${process.pid}`));
  try {
    console.log(`config cost, ${MB} MB files, one run each (keepalived first, then vipkeeper: ${VK.join(' ')}), timeout ${TIMEOUT_S} s`);
    console.log(`${'shape'.padEnd(18)} ${'keepalived: wall   cpu    rss'.padStart(34)}   ${'vipkeeper: wall   cpu    rss'.padStart(33)}   cpu x  rss x  status ka/vk`);
    for (const shape of shapes) {
      const file = join(dir, `${shape}.conf`);
      writeShape(shape, file, MB * 1024 * 1024);
      const size = statSync(file).size;
      const ka = measure(['keepalived'], file, dir);
      const vk = measure(VK, file, dir);
      const f = (c: Cost) => `${c.wallS.toFixed(1).padStart(7)} s ${c.cpuS.toFixed(1).padStart(5)} s ${c.rssMiB.toFixed(0).padStart(5)} MiB`;
      console.log(`${shape.padEnd(18)} ${f(ka).padStart(34)}   ${f(vk).padStart(33)}   ${(vk.cpuS / ka.cpuS).toFixed(2).padStart(5)} ${(vk.rssMiB / ka.rssMiB).toFixed(2).padStart(6)}  ${ka.status} / ${vk.status}`);
      console.log(`${''.padEnd(18)} (${(size / 1e6).toFixed(1)} MB: ${SHAPE_NOTES[shape]})`);
      rmSync(file, { force: true });
    }
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
