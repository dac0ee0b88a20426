// keepalived's pid files: refuse to start when one names a live process or
// is not a plain file, write ours, remove it at exit.
//
// A pid file's directory may be writable by others (-p and -r accept any
// path). Nothing at the path is ever followed: it is read with O_NOFOLLOW
// (a FIFO or device planted there cannot block or feed us either), and
// written by replacing the entry (replaceFile), never through it. A symlink
// at the path is refused, as keepalived 2.2.7 refuses one it cannot open
// O_NOFOLLOW ("pidfile_write : Cannot open ... pidfile"). Measured: keepalived
// reads through a symlink to an existing file and then unlinks the link (and
// starts, or says "daemon is already running" and exits 0); we refuse every
// symlink the same way and exit 1 (docs/files-and-paths.md).
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { VipkeeperError } from '../base/errors.ts';
import { replaceFile } from '../observe/safe-file.ts';

const PID_FILE_MODE = 0o644; // keepalived 2.2.7, measured, whatever the umask
const PID_TEXT_MAX = 32;

const cannotOpen = (path: string, why: string) =>
  new VipkeeperError('VIPKEEPER_ERR_CONFIG', `pidfile_write : Cannot open ${path} pidfile - ${why}`);

/** The pid file's text; null when there is none. Throws when the path is a symlink or not a regular file. */
function readPidText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw cannotOpen(path, 'it is a symbolic link, which is never followed');
    throw cannotOpen(path, (err as Error).message);
  }
  try {
    if (!fstatSync(fd).isFile()) throw cannotOpen(path, 'it is not a regular file');
    const buf = Buffer.alloc(PID_TEXT_MAX);
    return buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The live process a pid file names (not us), or null. Throws (see readPidText) on a path we must not use. */
export function livePid(path: string): number | null {
  const text = readPidText(path);
  if (text === null) return null;
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export function writePid(path: string): void {
  try {
    replaceFile(path, `${process.pid}\n`, PID_FILE_MODE);
  } catch (err) {
    throw cannotOpen(path, (err as Error).message);
  }
}

/** Removes the pid file if it still names us (never following a link put there meanwhile). */
export function removePid(path: string): void {
  try {
    if (readPidText(path)?.trim() === String(process.pid)) unlinkSync(path);
  } catch { /* gone, or no longer ours */ }
}
