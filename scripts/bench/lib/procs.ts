// The daemon's processes inside a lab namespace, found with `ip netns pids`
// and filtered by command name (our monitors may share the namespace), and
// what the benchmarks read from /proc about them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Lab } from '../../../test/lib/lab.ts';

const DAEMON_COMMS = new Set(['node', 'keepalived']);

export function daemonPids(lab: Lab, host: string): number[] {
  const out = execFileSync('ip', ['netns', 'pids', lab.host(host).ns], { encoding: 'utf8' });
  return out.split(/\s+/).filter(Boolean).map(Number).filter((pid) => {
    try { return DAEMON_COMMS.has(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()); } catch { return false; }
  });
}

/**
 * A crash: every daemon process (PIDs found beforehand) is frozen at once
 * (SIGSTOP, so keepalived's parent cannot respawn its child and the child's
 * parent-death SIGTERM cannot make it send a priority 0 advert), then killed
 * (SIGKILL); then `cut` takes the host off the wire. No fork or exec happens
 * in between, so the three steps take microseconds plus the cutter's write.
 */
export function crash(pids: readonly number[], cut: () => void): void {
  for (const pid of pids) try { process.kill(pid, 'SIGSTOP'); } catch { /* gone */ }
  for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  cut();
}

export const CLOCK_TICKS_PER_S = 100; // getconf CLK_TCK on Linux x86-64/arm64

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that closes comm: state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS_PER_S;
}

/** VmRSS of a process, in MiB. */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
