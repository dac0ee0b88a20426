// keepalived's script security rules (2.2.7 lib/notify.c: check_script_secure,
// check_security, get_default_script_user). Pure apart from the file-system
// probe, which the caller injects (the daemon passes node:fs, the config
// check and the tests pass fakes), so `vipkeeper -t` can use the same code.
//
// Rules:
// - The script runs as its own `user [group]`, else global script_user, else
//   `keepalived_script` if that user exists, else the daemon's uid/gid. With
//   enable_script_security and no such user, scripts without an explicit
//   user are refused ("Unable to set default user keepalived_script").
// - argv[0] is resolved with realpath; missing → disabled (not found).
// - It must be executable by the uid/gid it runs as, else disabled.
// - If it runs as uid 0 or gid 0 (or is setuid/setgid root), every component
//   of the resolved path is checked: each must be owned by root, and a
//   directory without the sticky bit, or the file itself, must not be
//   writable by a non-root group or by others. Intermediate components must
//   be directories (lstat, so a symlinked directory fails); the last may be a
//   file or a symlink. A failure marks the script insecure: it is disabled
//   only when enable_script_security is set (keepalived still logs it).
// - Any script configured without enable_script_security gives the warning
//   "SECURITY VIOLATION - scripts are being executed but script_security not
//   enabled." (plus "There are insecure scripts." when one is).

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IXUSR = 0o100;
const S_IXGRP = 0o010;
const S_IXOTH = 0o001;
const S_IWGRP = 0o020;
const S_IWOTH = 0o002;

export interface StatLike { readonly mode: number; readonly uid: number; readonly gid: number }

export interface FsProbe {
  /** lstat; null when the path cannot be reached (ENOENT, EACCES, ENOTDIR, ELOOP). */
  lstat(path: string): StatLike | null;
  /** stat (follows links); null when unreachable. */
  stat(path: string): StatLike | null;
  realpath(path: string): string | null;
}

export interface ScriptUser { readonly uid: number; readonly gid: number }

export type ScriptVerdict =
  | { readonly run: true; readonly path: string; readonly insecure: boolean; readonly messages: readonly string[] }
  | { readonly run: false; readonly reason: 'notFound' | 'notExecutable' | 'insecure' | 'wrongType'; readonly messages: readonly string[] };

const isDir = (m: number) => (m & S_IFMT) === S_IFDIR;
const isReg = (m: number) => (m & S_IFMT) === S_IFREG;
const isLnk = (m: number) => (m & S_IFMT) === S_IFLNK;

/** keepalived's is_executable(): root needs any x bit; else owner, group, other in turn. */
export function isExecutableBy(st: StatLike, user: ScriptUser): boolean {
  if (user.uid === 0) return (st.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) !== 0;
  if (user.uid === st.uid) return (st.mode & S_IXUSR) !== 0;
  if (user.gid === st.gid) return (st.mode & S_IXGRP) !== 0;
  return (st.mode & S_IXOTH) !== 0;
}

/** Path protection is needed when the script runs with root rights. */
export function needsProtection(st: StatLike, user: ScriptUser): boolean {
  return user.uid === 0 || user.gid === 0 ||
    (st.uid === 0 && (st.mode & S_IXUSR) !== 0 && (st.mode & S_ISUID) !== 0) ||
    (st.gid === 0 && (st.mode & S_IXGRP) !== 0 && (st.mode & S_ISGID) !== 0);
}

/** '/', '/a', '/a/b' ... then the full path: the components keepalived checks. */
export function pathPrefixes(path: string): string[] {
  const out = ['/'];
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

export type PathCheck = 'ok' | 'notFound' | 'wrongType' | 'insecure';

/** check_security(): walks the components of an absolute path. */
export function checkPathSecurity(path: string, lstat: FsProbe['lstat']): { result: PathCheck; at: string } {
  const prefixes = pathPrefixes(path);
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    const last = i === prefixes.length - 1;
    const st = lstat(p);
    if (st === null) return { result: 'notFound', at: p };
    if (last ? !isReg(st.mode) && !isLnk(st.mode) : !isDir(st.mode)) return { result: 'wrongType', at: p };
    const guarded = (isDir(st.mode) && (st.mode & S_ISVTX) === 0) || isReg(st.mode);
    const writable = (st.gid !== 0 && (st.mode & S_IWGRP) !== 0) || (st.mode & S_IWOTH) !== 0;
    if (st.uid !== 0 || (guarded && writable)) return { result: 'insecure', at: p };
  }
  return { result: 'ok', at: path };
}

export function checkScriptSecurity(argv0: string, user: ScriptUser, scriptSecurity: boolean, fs: FsProbe): ScriptVerdict {
  const real = fs.realpath(argv0);
  if (real === null) return { run: false, reason: 'notFound', messages: [`Script ${argv0} cannot be accessed`] };
  const st = fs.stat(real);
  if (st === null) return { run: false, reason: 'notFound', messages: [`Unable to access script \`${argv0}\` - disabling`] };
  if (!isExecutableBy(st, user)) {
    return { run: false, reason: 'notExecutable', messages: [`WARNING - script '${argv0}' is not executable for uid:gid ${user.uid}:${user.gid} - disabling.`] };
  }
  if (!needsProtection(st, user)) return { run: true, path: real, insecure: false, messages: [] };
  const check = checkPathSecurity(real, fs.lstat);
  switch (check.result) {
    case 'ok':
      return { run: true, path: real, insecure: false, messages: [] };
    case 'notFound':
      return { run: false, reason: 'notFound', messages: [`check_script_secure could not find script '${real}' - disabling`] };
    case 'wrongType':
      return { run: false, reason: 'wrongType', messages: [`Wrong file type found in script path '${real}'.`] };
    case 'insecure': {
      const msg = `Unsafe permissions found for script '${real}'${scriptSecurity ? ' - disabling' : ''}.`;
      return scriptSecurity ? { run: false, reason: 'insecure', messages: [msg] } : { run: true, path: real, insecure: true, messages: [msg] };
    }
  }
}

export type UserLookup = (name: string) => ScriptUser | null;

/**
 * The uid/gid a script runs as. `explicit` is the script's own user/group
 * words; `globalDefault` is script_user from global_defs. Null = refuse.
 */
export function resolveScriptUser(
  explicit: { user: string; group?: string } | null,
  globalDefault: { user: string; group?: string } | null,
  lookup: { user: UserLookup; group: (name: string) => number | null },
  daemon: ScriptUser,
  scriptSecurity: boolean,
): ScriptUser | null {
  const named = explicit ?? globalDefault;
  if (named) {
    const u = lookup.user(named.user);
    if (!u) return null;
    if (named.group === undefined) return u;
    const g = lookup.group(named.group);
    return g === null ? null : { uid: u.uid, gid: g };
  }
  const ka = lookup.user('keepalived_script');
  if (ka) return ka;
  return scriptSecurity ? null : daemon;
}

/** The config-time warning keepalived logs when scripts run without enable_script_security. */
export function securityViolationWarning(anyScript: boolean, anyInsecure: boolean, scriptSecurity: boolean): string | null {
  if (scriptSecurity || !anyScript) return null;
  return `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${anyInsecure ? ' There are insecure scripts.' : ''}`;
}
