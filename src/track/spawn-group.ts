// Runs one command in its own process group, as its configured user, with a
// deadline. Edge module.
//
// Why not execa or exec(): their timeout kills only the direct child, and a
// grandchild holding stdout open kept execa's promise pending for 31 s after
// a 300 ms timeout (shared/DEPENDENCIES.md). keepalived puts every script in
// its own process group and kills the group; we do the same with
// `detached: true` (setsid) and `process.kill(-pid, ...)`.
// stdio is /dev/null, as keepalived does, so no pipe can keep us waiting.
//
// Credentials: Node's spawn() with uid/gid calls setgroups(0, NULL), so it
// cannot give a script its user's supplementary groups. Every script is
// started through native/'s vipkeeper-exec launcher, which does setgroups →
// setgid → setuid, checks each step and that root cannot be regained, and
// only then execs; a failed step exits before the script runs and writes
// "STEP ERRNO" on fd 3 (a pipe that an exec closes), reported here as
// `refused`. There is no path that runs a script without its ids.
//
// Timeout, as keepalived 2.2.7 (vrrp_script_child_thread, measured in
// docs/trackers-and-notify.md): SIGTERM to the group, then SIGKILL to the
// group `termGraceMs` (keepalived: 2 s) later; if the script ends after the
// SIGTERM, the rest of its group gets SIGKILL at once.
import { spawn } from 'node:child_process';
import { getSystemErrorName } from 'node:util';
import { execLauncherPath } from '../net/native.ts';

/** uid, gid and supplementary groups a script runs with (config/validate-scripts.ts decides them). */
export interface RunIds {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export interface GroupRunOptions {
  readonly argv: readonly string[];
  readonly ids: RunIds;
  /** Start the escalation this long after the spawn; null = never. */
  readonly timeoutMs: number | null;
  /** SIGTERM → SIGKILL delay; keepalived: 2000. */
  readonly termGraceMs?: number;
  /** Only SIGKILL at the deadline (keepalived's notify_stop: killed after 1 s, no SIGTERM). */
  readonly killAtDeadline?: boolean;
}

export type GroupRunOutcome =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'timeout' }
  /** The launcher stopped before exec: the script never ran. `step`: setgroups, setgid, setuid, regain, exec ... */
  | { readonly kind: 'refused'; readonly step: string; readonly errno: number }
  | { readonly kind: 'error'; readonly error: Error };

export interface GroupRun {
  readonly pid: number | undefined;
  readonly done: Promise<GroupRunOutcome>;
  /** Signals the whole group while its leader has not been reaped; does nothing after. */
  killGroup(signal: NodeJS.Signals): void;
}

export const TERM_GRACE_MS = 2000;

/** A log line for a script the launcher refused to start, in keepalived's words where it has them. */
export function describeRefusal(o: { step: string; errno: number }, argv0: string): string {
  let name = `errno ${o.errno}`;
  try { name = getSystemErrorName(-o.errno); } catch { /* unknown errno: keep the number */ }
  if (o.step === 'exec') return `Error exec-ing command '${argv0}', error ${o.errno}: ${name}`;
  return `Couldn't ${o.step} for script '${argv0}' (${name}) - not run`;
}

// keepalived unsets these before exec (defence against loader and IFS tricks).
const DROPPED_ENV = ['IFS', 'LD_PRELOAD', 'LD_LIBRARY_PATH'];

function scriptEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of DROPPED_ENV) delete env[k];
  return env;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function idArg(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 0xffffffff) throw new RangeError(`runInGroup: bad id ${n}`);
  return String(n);
}

/** The launcher's command line: UID GID GROUPS -- PROGRAM ARGS. */
export function launcherArgv(argv: readonly string[], ids: RunIds): string[] {
  const groups = ids.groups.length === 0 ? '-' : ids.groups.map(idArg).join(',');
  return [idArg(ids.uid), idArg(ids.gid), groups, '--', ...argv];
}

export function runInGroup(opts: GroupRunOptions): GroupRun {
  if (opts.argv[0] === undefined) throw new RangeError('runInGroup: empty argv');
  const child = spawn(execLauncherPath(), launcherArgv(opts.argv, opts.ids), {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    env: scriptEnv(),
  });
  const pid = child.pid;
  let report = '';
  child.stdio[3]?.on('data', (b: Buffer) => { if (report.length < 256) report += b.toString(); });
  child.stdio[3]?.on('error', () => undefined);
  let phase: 'running' | 'terminating' | 'killing' = 'running';
  // Once the child is reaped its PID (our group id) may be handed to an
  // unrelated process, so nothing may signal -pid after that: we run as root.
  let reaped = false;
  const signalLive = (sig: NodeJS.Signals) => { if (!reaped) signalGroup(pid, sig); };
  child.once('exit', () => { reaped = true; });
  const done = new Promise<GroupRunOutcome>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const settle = (o: GroupRunOutcome) => {
      for (const t of timers) clearTimeout(t);
      resolve(o);
    };
    if (opts.timeoutMs !== null && pid !== undefined) {
      timers.push(setTimeout(() => {
        if (opts.killAtDeadline) { phase = 'killing'; signalLive('SIGKILL'); return; }
        phase = 'terminating';
        signalLive('SIGTERM');
        timers.push(setTimeout(() => { phase = 'killing'; signalLive('SIGKILL'); }, opts.termGraceMs ?? TERM_GRACE_MS));
      }, opts.timeoutMs));
    }
    child.once('error', (error) => { reaped = true; settle({ kind: 'error', error }); });
    // 'close', not 'exit': fd 3 must be read to its end to know whether the exec happened.
    child.once('close', (code, signal) => {
      reaped = true;
      const m = /^(\w+) (\d+)\n/.exec(report);
      if (m) settle({ kind: 'refused', step: m[1]!, errno: Number(m[2]) });
      else if (phase !== 'running') {
        // Ended after our SIGTERM: nothing it started may outlive it (keepalived
        // does this when it died of the SIGTERM). Any end after the deadline is a
        // timeout, even exit 0 from a TERM trap (keepalived would count that 0).
        // Called directly, once, at the exit: while members of the group live,
        // the kernel does not reuse its id.
        if (phase === 'terminating') signalGroup(pid, 'SIGKILL');
        settle({ kind: 'timeout' });
      } else if (code !== null) settle({ kind: 'exit', code });
      else settle({ kind: 'signal', signal: signal ?? 'SIGKILL' });
    });
  });
  return { pid, done, killGroup: signalLive };
}
