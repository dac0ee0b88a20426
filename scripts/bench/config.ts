// Config-check benchmark: a generated keepalived.conf with 1000 vrrp_instances
// (4 interfaces x 250 VRIDs), checked by `bin/vipkeeper -t` and `keepalived -t`
// side by side in a throwaway network namespace. Prints medians.
// Usage (root): node --import tsx scripts/bench/config.ts [runs=7]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkConfig } from '../../src/config/check.ts';
import { fsReader } from '../../src/config/load.ts';

const RUNS = Number(process.argv[2] ?? 7);
const IFACES = 4;
const PER_IFACE = 250;
const NS = `vkb${process.pid}`.slice(0, 15);
const BIN = new URL('../../bin/vipkeeper', import.meta.url).pathname;
const REPO = new URL('../../', import.meta.url).pathname;
// A plain-JS build of src/main.ts, as a package would ship it (no tsx at run time).
const BUNDLE_DIR = join(REPO, 'node_modules/.cache/vipkeeper-bench');

function generate(): string {
  const out = ['global_defs {', '  router_id bench', '  enable_script_security', '  script_user root', '}',
    'vrrp_script chk {', '  script "/bin/true"', '  interval 2', '  weight -10', '}'];
  for (let i = 0; i < IFACES; i++) {
    for (let v = 1; v <= PER_IFACE; v++) {
      out.push(
        `vrrp_instance VI_${i}_${v} {`, '  state BACKUP', `  interface eth${i}`, `  virtual_router_id ${v}`,
        `  priority ${100 + (v % 50)}`, '  advert_int 1', '  authentication {', '    auth_type PASS', '    auth_pass secret', '  }',
        '  track_script {', '    chk', '  }', '  virtual_ipaddress {', `    10.${i}.${v}.1/24 dev eth${i}`, `    10.${i}.${v}.2/24`, '  }', '}',
      );
    }
  }
  return out.join('\n') + '\n';
}

function bundle(): string {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const outdir = join(BUNDLE_DIR, String(process.pid));
  // --splitting keeps the daemon (loaded only to run) out of the -t start-up path.
  const r = spawnSync(join(REPO, 'node_modules/.bin/esbuild'), [join(REPO, 'src/main.ts'), '--bundle', '--splitting', '--platform=node',
    '--format=esm', '--packages=external', '--log-level=warning', `--outdir=${outdir}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esbuild: ${r.stderr}`);
  return join(outdir, 'main.js');
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

interface Timing { ms: number; cpuMs: number; status: number | null }

/** Wall time, and CPU time (user+sys) from GNU time: the machine is shared, so wall time is noisy. */
function timeRun(cmd: string[]): Timing {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'VKTIME %U %S %x', 'ip', 'netns', 'exec', NS, ...cmd], { encoding: 'utf8', timeout: 120_000 });
  const ms = performance.now() - t0;
  const m = /VKTIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  return m ? { ms, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, status: Number(m[3]) } : { ms, cpuMs: NaN, status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'vkbench'));
  const file = join(dir, 'keepalived.conf');
  writeFileSync(file, generate());
  try {
    ip('netns', 'add', NS);
    for (let i = 0; i < IFACES; i++) ip('-n', NS, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `vkbp${i}`);
    const built = bundle();
    const ours: Timing[] = [];
    const oursBuilt: Timing[] = [];
    const theirs: Timing[] = [];
    let statuses = '';
    for (let n = 0; n < RUNS; n++) {
      // Alternate so that machine load affects both alike.
      const a = timeRun([BIN, '-t', '-f', file]);
      const b = timeRun(['keepalived', '-t', '-f', file]);
      const c = timeRun([process.execPath, built, '-t', '-f', file]);
      ours.push(a);
      oursBuilt.push(c);
      theirs.push(b);
      statuses = `exit status: vipkeeper ${a.status}, built ${c.status}, keepalived ${b.status}`;
    }
    // In this process (tsx-compiled, already warm from spawning): the first run is the cold one.
    const inproc: number[] = [];
    const inprocCpu: number[] = [];
    for (let n = 0; n < RUNS; n++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      checkConfig(file, fsReader, { configId: 'bench', env: null });
      const c = process.cpuUsage(c0);
      inproc.push(performance.now() - t0);
      inprocCpu.push((c.user + c.system) / 1000);
    }
    console.log(`config check, ${IFACES * PER_IFACE} vrrp_instances (${IFACES} interfaces x ${PER_IFACE} VRIDs), ${RUNS} runs, median:`);
    const row = (label: string, t: Timing[], note: string) =>
      console.log(`  ${label.padEnd(20)} wall ${median(t.map((x) => x.ms)).toFixed(0).padStart(5)} ms   cpu ${median(t.map((x) => x.cpuMs)).toFixed(0).padStart(5)} ms   ${note}`);
    row('bin/vipkeeper -t', ours, '(the compiled build in dist/ when current, else tsx)');
    row('node main.js -t', oursBuilt, '(esbuild bundle of src/main.ts: what a package ships)');
    row('keepalived -t', theirs, '');
    const bare = Array.from({ length: RUNS }, () => timeRun([process.execPath, '-e', '0']));
    row('node -e 0', bare, '(Node start-up alone, for scale)');
    console.log(`  checkConfig() in-process (parse + validate, no host checks): first run wall ${inproc[0]!.toFixed(0)} ms / cpu ${inprocCpu[0]!.toFixed(0)} ms, ` +
      `median wall ${median(inproc).toFixed(0)} ms / cpu ${median(inprocCpu).toFixed(0)} ms`);
    console.log(`  load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`  ${statuses}`);
  } finally {
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(BUNDLE_DIR, String(process.pid)), { recursive: true, force: true });
  }
}

main();
