// Files the root daemon writes at paths other users can predict (pid files,
// the /tmp dumps, track_file's init_file). A symlink, hard link or file that
// someone planted at such a path must never redirect or expose the write: this
// was keepalived's CVE-2018-19044/19045 (a symlink at /tmp/keepalived.data
// made root overwrite any file) and CVE-2018-19046 (dumps readable by all).
//
// The write goes to a fresh file with an unpredictable name in the same
// directory, created O_CREAT|O_EXCL|O_NOFOLLOW (nothing planted can be opened:
// EXCL fails on any existing name, a symlink included), given its mode with
// fchmod (so the umask cannot widen or narrow it), and renamed over the path.
// rename() replaces the directory entry itself, whatever it is (a symlink, a
// hard link, another user's file), and never follows it, so a reader sees
// either the old entry or the complete new file. Root may rename over another
// user's entry even in a sticky directory like /tmp (CAP_FOWNER); that is what
// keepalived's fopen_safe does too, and is safe, as nothing is written through.
//
// Only the last component is protected: the directories on the path must be
// trusted (the defaults, /run and /tmp, are root's).
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

const TRIES = 8; // a random 48-bit name collides only if someone guesses it

/** Replaces whatever is at `path` with a new file holding `data`, mode `mode` (keepalived's fopen_safe(path, "w")). */
export function replaceFile(path: string, data: string, mode: number): void {
  for (let attempt = 1; ; attempt++) {
    const tmp = `${path}.${randomBytes(6).toString('hex')}`;
    let fd: number;
    try {
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_NOCTTY, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < TRIES) continue;
      throw err;
    }
    try {
      try {
        fchmodSync(fd, mode);
        writeFileSync(fd, data);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      try { unlinkSync(tmp); } catch { /* not there */ }
      throw err;
    }
    return;
  }
}
