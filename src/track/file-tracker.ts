// track_file (vrrp_track_file) at the edge: keeps the integer in a file and
// reports every change of it. What the value does to an instance is pure and
// lives in vrrp/priority.ts (fileContribution).
//
// keepalived watches the *directory* with inotify (IN_CLOSE_WRITE, IN_MOVE,
// IN_DELETE) so that a file created, replaced by rename or deleted later is
// seen. We watch the directory with fs.watch too, but Node's watcher has no
// IN_CLOSE_WRITE: it fires on every write, including the truncation of
// `echo 5 > f`, so a read is made only once the file has been quiet for
// `settleMs`. A periodic re-read (`rereadMs`) covers lost events and a
// directory that is replaced. A missing file reads as 0, like keepalived.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { VipkeeperError } from '../base/errors.ts';
import { initFileText, parseTrackFileValue, TRACK_FILE_READ_BYTES } from './file-value.ts';
import { replaceFile } from '../observe/safe-file.ts';

const INIT_FILE_MODE = 0o600; // keepalived's fopen_safe: 0666 less its default umask 0177

export interface FileTrackOptions {
  /** The tracker id the daemon uses, e.g. 'file:chk_file'. */
  readonly id: string;
  readonly path: string;
  /** Safety-net re-read period; 0 disables it. */
  readonly rereadMs: number;
  /** Quiet time after a change event before reading (default 20 ms). */
  readonly settleMs?: number;
}

export interface FileValueChange { readonly id: string; readonly value: number }

/**
 * Reads the tracked value now: 0 when missing or empty, null when out of range (ignore it).
 * Anything but a regular file (after symlinks) reads as missing, like a file
 * keepalived cannot read, and is never opened: the directory may be writable
 * by others, and opening a device as root has effects (a tty would become our
 * controlling terminal, /dev/watchdog would arm). stat first, then O_NOCTTY
 * and a second look on the open descriptor for a file swapped in between.
 */
export function readTrackFile(path: string): number | null {
  try {
    if (!statSync(path).isFile()) return 0;
  } catch {
    return 0;
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return 0;
  }
  try {
    if (!fstatSync(fd).isFile()) return 0;
    const buf = Buffer.alloc(TRACK_FILE_READ_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n > 0 ? parseTrackFileValue(buf.toString('latin1', 0, n)) : 0;
  } catch {
    return 0;
  } finally {
    closeSync(fd);
  }
}

/**
 * init_file: writes `value` if the file does not exist, or always with
 * `overwrite` (then it must be a regular file). keepalived does this on the
 * first start only, never on reload or in config-test mode; so must the caller.
 * Written as keepalived's fopen_safe does (mode 0600, a fresh file renamed
 * over the path): a symlink planted at the path is replaced, never written
 * through.
 */
export function initTrackFile(path: string, value: number, overwrite: boolean): void {
  if (existsSync(path)) {
    if (!overwrite) return;
    if (!statSync(path).isFile()) {
      throw new VipkeeperError('VIPKEEPER_ERR_CONFIG', `Cannot initialise track file ${path} - it is not a regular file`);
    }
  }
  replaceFile(path, initFileText(value), INIT_FILE_MODE);
}

export class FileTracker {
  readonly #opts: FileTrackOptions;
  readonly #onChange: (c: FileValueChange) => void;
  #value = 0;
  #watcher: FSWatcher | undefined;
  #settle: NodeJS.Timeout | undefined;
  #reread: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(opts: FileTrackOptions, onChange: (c: FileValueChange) => void) {
    this.#opts = opts;
    this.#onChange = onChange;
  }

  get value(): number { return this.#value; }

  /** Reads the initial value (not reported as a change) and starts watching. */
  start(): number {
    const dir = dirname(this.#opts.path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new VipkeeperError('VIPKEEPER_ERR_CONFIG', `Track file directory for ${this.#opts.path} does not exist`);
    }
    this.#value = readTrackFile(this.#opts.path) ?? 0;
    this.#watch(dir);
    if (this.#opts.rereadMs > 0) {
      this.#reread = setInterval(() => this.#read(), this.#opts.rereadMs);
    }
    return this.#value;
  }

  stop(): void {
    this.#stopped = true;
    this.#watcher?.close();
    if (this.#settle) clearTimeout(this.#settle);
    if (this.#reread) clearInterval(this.#reread);
  }

  #watch(dir: string): void {
    const name = basename(this.#opts.path);
    try {
      this.#watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.#schedule();
      });
      // A deleted directory ends the watch; the periodic re-read carries on.
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      this.#watcher = undefined;
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#settle) clearTimeout(this.#settle);
    this.#settle = setTimeout(() => this.#read(), this.#opts.settleMs ?? 20);
  }

  #read(): void {
    if (this.#stopped) return;
    const v = readTrackFile(this.#opts.path);
    if (v === null || v === this.#value) return;
    this.#value = v;
    this.#onChange({ id: this.#opts.id, value: v });
  }
}
