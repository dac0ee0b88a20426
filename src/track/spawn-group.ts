// Runs one command in its own process group, with a deadline. Edge module.
//
// Why not execa or exec(): their timeout kills only the direct child, and a
// grandchild holding stdout open kept execa's promise pending for 31 s after
// a 300 ms timeout (shared/DEPENDENCIES.md). keepalived puts every script in
// its own process group and kills the group; we do the same with
// `detached: true` (setsid) and `process.kill(-pid, 'SIGKILL')`.
// stdio is /dev/null, as keepalived does, so no pipe can keep us waiting, and
// a plain spawn is about 3x cheaper than execa per check.
import { spawn } from 'node:child_process';

export interface GroupRunOptions {
  readonly argv: readonly string[];
  /** Kill the whole group this long after the spawn; null = never. */
  readonly timeoutMs: number | null;
  readonly uid?: number;
  readonly gid?: number;
}

export type GroupRunOutcome =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly error: Error };

export interface GroupRun {
  readonly pid: number | undefined;
  readonly done: Promise<GroupRunOutcome>;
  /** Signals the whole group; harmless once it has gone. */
  killGroup(signal: NodeJS.Signals): void;
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

export function runInGroup(opts: GroupRunOptions): GroupRun {
  const [file, ...args] = opts.argv;
  if (file === undefined) throw new RangeError('runInGroup: empty argv');
  const child = spawn(file, args, {
    detached: true,
    stdio: 'ignore',
    env: scriptEnv(),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const pid = child.pid;
  let timedOut = false;
  const done = new Promise<GroupRunOutcome>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (o: GroupRunOutcome) => {
      if (timer) clearTimeout(timer);
      resolve(o);
    };
    if (opts.timeoutMs !== null && pid !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        signalGroup(pid, 'SIGKILL');
      }, opts.timeoutMs);
    }
    child.once('error', (error) => settle({ kind: 'error', error }));
    child.once('exit', (code, signal) => {
      if (timedOut) settle({ kind: 'timeout' });
      else if (code !== null) settle({ kind: 'exit', code });
      else settle({ kind: 'signal', signal: signal ?? 'SIGKILL' });
    });
  });
  return { pid, done, killGroup: (signal) => signalGroup(pid, signal) };
}
