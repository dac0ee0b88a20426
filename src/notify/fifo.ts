// notify_fifo / vrrp_notify_fifo at the edge (keepalived lib/notify.c
// fifo_open, vrrp_notify.c notify_fifo).
//
// Like keepalived: the FIFO is created with mkfifo if missing (which never
// follows a link planted at the path) with mode 0600 (keepalived 2.2.7's,
// measured: 0644 less its umask 0177), removed on close, owned by the
// configured user/group; it is opened O_RDWR|O_NONBLOCK|O_NOFOLLOW and the
// notify_fifo_script gets the path as its last argument.
// Unlike keepalived, the ownership is set with fchown on the open FIFO once
// it is checked to be ours, not with chown(path), which follows a symlink
// swapped in after mkfifo; and the script starts after that, so it finds the
// FIFO already owned by its user.
// Holding the read side ourselves means open() never blocks and a write
// never fails with EPIPE when nobody reads; when the pipe buffer (64 KiB on
// Linux) is full because nobody reads, the write fails with EAGAIN and the
// line is dropped and counted. Lines are far below PIPE_BUF, so each write
// is atomic: a reader never sees half a line.
// Like keepalived 2.3: an existing path that is not a FIFO owned by us or the
// configured user is refused.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, fchownSync, fstatSync, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { VipkeeperError } from '../base/errors.ts';
import { runInGroup, type GroupRun, type GroupRunOutcome, type RunIds } from '../track/spawn-group.ts';

export interface NotifyFifoOptions {
  readonly path: string;
  readonly uid?: number;
  readonly gid?: number;
  /** notify_fifo_script argv (without the path, which is appended). */
  readonly script?: { readonly argv: readonly string[]; readonly ids: RunIds };
  readonly onScriptExit?: (outcome: GroupRunOutcome) => void;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function makeFifo(path: string): void {
  // Node has no mkfifo(3); coreutils' mkfifo is one exec at start-up.
  const r = spawnSync('/usr/bin/mkfifo', ['-m', '0600', '--', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    throw new VipkeeperError('VIPKEEPER_ERR_CONFIG', `Unable to create notify fifo ${path}: ${r.error?.message ?? r.stderr?.toString().trim()}`);
  }
}

export class NotifyFifo {
  readonly path: string;
  readonly #fd: number;
  readonly #created: boolean;
  readonly #script: GroupRun | undefined;
  #closed = false;
  written = 0;
  dropped = 0;

  private constructor(path: string, fd: number, created: boolean, script: GroupRun | undefined) {
    this.path = path;
    this.#fd = fd;
    this.#created = created;
    this.#script = script;
  }

  static open(opts: NotifyFifoOptions): NotifyFifo {
    const created = !exists(opts.path);
    if (created) makeFifo(opts.path);
    let fd: number;
    try {
      fd = openSync(opts.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
    } catch (err) {
      if (created) unlinkSync(opts.path);
      throw new VipkeeperError('VIPKEEPER_ERR_CONFIG', `Unable to open notify fifo ${opts.path}: ${(err as Error).message}`, { cause: err });
    }
    const st = fstatSync(fd);
    const ownerOk = st.uid === process.getuid?.() || (opts.uid !== undefined && st.uid === opts.uid);
    if (!st.isFIFO() || !ownerOk) {
      closeSync(fd);
      throw new VipkeeperError('VIPKEEPER_ERR_CONFIG', `notify fifo ${opts.path} is not a fifo we own - not using`);
    }
    if (created && (opts.uid !== undefined || opts.gid !== undefined)) fchownSync(fd, opts.uid ?? -1, opts.gid ?? -1);
    let script: GroupRun | undefined;
    if (opts.script) {
      script = runInGroup({ ...opts.script, argv: [...opts.script.argv, opts.path], timeoutMs: null });
      if (opts.onScriptExit) void script.done.then(opts.onScriptExit);
    }
    return new NotifyFifo(opts.path, fd, created, script);
  }

  /** Writes one line; never blocks. False when dropped (nobody is reading and the pipe is full). */
  write(line: string): boolean {
    if (this.#closed) return false;
    try {
      writeSync(this.#fd, line);
      this.written++;
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw err;
      this.dropped++;
      return false;
    }
  }

  /** Unlinks first (so a looping reader cannot reopen it), then closes; stops the script. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#created) {
      try { unlinkSync(this.path); } catch { /* already gone */ }
    }
    closeSync(this.#fd);
    this.#script?.killGroup('SIGTERM');
  }
}
