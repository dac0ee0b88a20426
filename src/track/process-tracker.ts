// vrrp_track_process at the edge: counts matching processes by scanning
// /proc, and reports quorum changes as {id, up}, after fork_delay (gained)
// or terminate_delay (lost) if the change still holds then.
//
// Difference from keepalived: keepalived scans /proc once and then follows
// the kernel's process-events connector (netlink, CAP_NET_ADMIN), so it sees
// a fork or exit at once. Node cannot open that socket, so we rescan every
// `scanMs`: a change is seen up to scanMs late, and a process that lives
// shorter than scanMs may be missed. A scan of ~200 processes reads two
// small files per process (comm via /proc/PID/stat, cmdline only when a
// spec needs it).
import { readdirSync, readFileSync } from 'node:fs';
import { hasQuorum, processMatches, effectiveParamMatch, type ProcessInfo, type ProcessSpec } from './process-match.ts';

export interface TrackedProcess {
  readonly id: string;
  readonly spec: ProcessSpec;
  readonly forkDelayMs: number;
  readonly terminateDelayMs: number;
}

interface Slot { readonly t: TrackedProcess; up: boolean | undefined; count: number; timer: NodeJS.Timeout | undefined }

function readProc(pid: string, needCmdline: boolean): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < open) return null;
    const comm = stat.slice(open + 1, close);
    const zombie = stat[close + 2] === 'Z';
    const argv = needCmdline ? readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').slice(0, -1) : [];
    return { comm, argv, zombie };
  } catch {
    return null; // it exited while we looked
  }
}

/** One pass over /proc: how many processes match each spec. */
export function countProcesses(specs: readonly ProcessSpec[], procRoot = '/proc'): number[] {
  const needCmdline = specs.some((s) => s.fullCommand || effectiveParamMatch(s) !== 'none');
  const counts = specs.map(() => 0);
  for (const pid of readdirSync(procRoot)) {
    if (!/^[1-9][0-9]*$/.test(pid)) continue;
    const p = readProc(pid, needCmdline);
    if (!p) continue;
    specs.forEach((s, i) => { if (processMatches(s, p)) counts[i]!++; });
  }
  return counts;
}

export class ProcessTracker {
  readonly #slots: Slot[];
  readonly #scanMs: number;
  readonly #onChange: (c: { id: string; up: boolean }) => void;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(tracked: readonly TrackedProcess[], scanMs: number, onChange: (c: { id: string; up: boolean }) => void) {
    this.#slots = tracked.map((t) => ({ t, up: undefined, count: 0, timer: undefined }));
    this.#scanMs = scanMs;
    this.#onChange = onChange;
  }

  /** Scans once and reports every initial state at once (no delay), then polls. */
  start(): void {
    this.#scan();
    for (const s of this.#slots) this.#report(s, hasQuorum(s.t.spec, s.count));
    this.#timer = setInterval(() => this.#poll(), this.#scanMs);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const s of this.#slots) if (s.timer) clearTimeout(s.timer);
  }

  count(id: string): number | undefined {
    return this.#slots.find((s) => s.t.id === id)?.count;
  }

  #scan(): void {
    const counts = countProcesses(this.#slots.map((s) => s.t.spec));
    this.#slots.forEach((s, i) => { s.count = counts[i]!; });
  }

  #report(s: Slot, up: boolean): void {
    if (s.up === up) return;
    s.up = up;
    this.#onChange({ id: s.t.id, up });
  }

  #poll(): void {
    if (this.#stopped) return;
    this.#scan();
    for (const s of this.#slots) {
      const up = hasQuorum(s.t.spec, s.count);
      if (up === s.up || s.timer) continue;
      const delay = up ? s.t.forkDelayMs : s.t.terminateDelayMs;
      if (delay <= 0) { this.#report(s, up); continue; }
      // Like keepalived: after the delay, the state is decided by the count *then*.
      s.timer = setTimeout(() => {
        s.timer = undefined;
        if (this.#stopped) return;
        this.#scan();
        this.#report(s, hasQuorum(s.t.spec, s.count));
      }, delay);
    }
  }
}
