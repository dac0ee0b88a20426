// keepalived's pid files: refuse to start when one names a live process,
// write ours, remove it at exit.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export function livePid(path: string): number | null {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return null; }
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
  writeFileSync(path, `${process.pid}\n`);
}

export function removePid(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
  } catch { /* already gone */ }
}
