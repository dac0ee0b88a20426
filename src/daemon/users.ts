// Resolves script_user / user names to uid/gid from /etc/passwd and /etc/group.
import { readFileSync } from 'node:fs';

function table(path: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let text = '';
  try { text = readFileSync(path, 'utf8'); } catch { return out; }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && f[0]) out.set(f[0], f);
  }
  return out;
}

export interface Ids { readonly uid?: number; readonly gid?: number }

/** uid/gid for a user (and optional group); {} for root or an unknown name (the config check reports those). */
export function resolveIds(user: string | null | undefined, group: string | null | undefined): Ids {
  if (!user && !group) return {};
  const passwd = table('/etc/passwd');
  const groups = table('/etc/group');
  let uid: number | undefined;
  let gid: number | undefined;
  if (user) {
    const p = passwd.get(user);
    if (p) { uid = Number(p[2]); gid = Number(p[3]); } else if (/^\d+$/.test(user)) uid = Number(user);
  }
  if (group) {
    const g = groups.get(group);
    if (g) gid = Number(g[2]); else if (/^\d+$/.test(group)) gid = Number(group);
  }
  if (uid === 0 && (gid === undefined || gid === 0)) return {};
  return { ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}) };
}
