// keepalived's script security rules (2.2.7 lib/notify.c: check_script_secure,
// check_security, get_default_script_user). Pure apart from the file-system
// probe, which the caller injects (the daemon passes node:fs, the config
// check and the tests pass fakes), so `vipkeeper -t` can use the same code.
//
// Rules (who runs a script is decided in config/validate-scripts.ts):
// - A bare name is searched in PATH as the user; argv[0] is resolved with
//   realpath (every directory searchable by the user); missing → not found.
// - It must be executable by the uid/gid it runs as, else it is dropped.
// - If it runs as uid 0 or gid 0 (or is setuid/setgid root), every component
//   of the resolved path is checked: each must be owned by root, and a
//   directory without the sticky bit, or the file itself, must not be
//   writable by a non-root group or by others. Intermediate components must
//   be directories (lstat); the last may be a file or a symlink. A failure
//   marks the script insecure: it is inhibited only when
//   enable_script_security is set (keepalived still logs it).
// - "</path" (a test that a file opens) is run by /bin/sh and not checked.
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

export interface ScriptUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups the script gets (the launcher sets them; keepalived sets none). */
  readonly groups?: readonly number[];
}

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
  // Root among the supplementary groups gives group root's rights as gid 0 does.
  return user.uid === 0 || user.gid === 0 || (user.groups?.includes(0) ?? false) ||
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

/** What keepalived's check_script_secure() finds (its SC_* flags), and its log lines. */
export interface ScriptCheck {
  /** SC_ISSCRIPT: a file was found; counts for the SECURITY VIOLATION warning. */
  readonly isScript: boolean;
  /** SC_SYSTEM: "</path" only tests that a file opens; run by /bin/sh, never checked. */
  readonly system: boolean;
  /** SC_EXECUTABLE: the user it runs as may execute it. */
  readonly executable: boolean;
  /** SC_INSECURE: a component of its path is writable by non-root, or not owned by root. */
  readonly insecure: boolean;
  /** SC_INHIBIT: must not run (insecure with enable_script_security, or a wrong file type). */
  readonly inhibit: boolean;
  /** SC_NOTFOUND. */
  readonly notFound: boolean;
  /** argv[0] resolved (path search, then realpath), as keepalived executes it. */
  readonly path: string | null;
  readonly messages: readonly string[];
}

const NONE: Omit<ScriptCheck, 'messages'> = { isScript: false, system: false, executable: false, insecure: false, inhibit: false, notFound: false, path: null };

/** find_path(): a bare name is looked up in PATH as the user, like execvp; the first executable regular file wins. */
function searchPath(name: string, user: ScriptUser, fs: FsProbe, path: string): { found: string } | { error: 'ENOENT' | 'EACCES' } {
  let denied = false;
  for (const dir of path.split(':')) {
    const candidate = `${dir === '' ? '.' : dir}/${name}`;
    const st = fs.stat(candidate);
    if (st === null) continue;
    if (isReg(st.mode) && isExecutableBy(st, user)) return { found: candidate };
    denied = true;
  }
  return { error: denied ? 'EACCES' : 'ENOENT' };
}

/** realpath() runs as the script's user in keepalived: every directory on the way must be searchable by it. */
function searchableBy(path: string, user: ScriptUser, fs: FsProbe): boolean {
  if (user.uid === 0) return true;
  const dirs = pathPrefixes(path).slice(0, -1);
  return dirs.every((d) => { const st = fs.stat(d); return st !== null && isExecutableBy(st, user); });
}

/**
 * keepalived 2.2.7's check_script_secure(), for the uid/gid the script runs
 * as. `scriptSecurity`: enable_script_security. `path`: PATH for bare names.
 */
export function checkScriptSecurity(argv0: string, user: ScriptUser, scriptSecurity: boolean, fs: FsProbe, path: string): ScriptCheck {
  if (/^<[ \t]*\//.test(argv0)) return { ...NONE, system: true, messages: [] };
  const messages: string[] = [];
  let file = argv0;
  if (!argv0.includes('/')) {
    const r = searchPath(argv0, user, fs, path);
    if ('error' in r) {
      messages.push(r.error === 'EACCES' ? `Permissions failure for script ${argv0} in path - disabling` : `Cannot find script ${argv0} in path - disabling`);
      return { ...NONE, notFound: true, messages };
    }
    messages.push(`WARNING - script \`${argv0}\` resolved by path search to \`${r.found}\`. Please specify full path.`);
    file = r.found;
  }
  const real = fs.realpath(file);
  if (real === null || !searchableBy(real, user, fs)) {
    messages.push(`Script ${file} cannot be accessed - ${real === null ? 'No such file or directory' : 'Permission denied'}`);
    return { ...NONE, notFound: true, messages };
  }
  const st = fs.stat(real);
  if (st === null) {
    messages.push(`Unable to access script \`${real}\` - disabling`);
    return { ...NONE, notFound: true, path: real, messages };
  }
  const executable = isExecutableBy(st, user);
  if (!executable) messages.push(`WARNING - script '${real}' is not executable for uid:gid ${user.uid}:${user.gid} - disabling.`);
  const found = { ...NONE, isScript: true, executable, path: real };
  if (!executable || !needsProtection(st, user)) return { ...found, messages };
  const check = checkPathSecurity(real, fs.lstat);
  switch (check.result) {
    case 'ok':
      return { ...found, messages };
    case 'notFound':
      return { ...found, notFound: true, messages: [...messages, `check_script_secure could not find script '${real}' - disabling`] };
    case 'wrongType':
      return { ...found, inhibit: true, messages: [...messages, `Wrong file type found in script path '${real}'.`] };
    case 'insecure':
      return { ...found, insecure: true, inhibit: scriptSecurity, messages: [...messages, `Unsafe permissions found for script '${real}'${scriptSecurity ? ' - disabling' : ''}.`] };
  }
}

/** keepalived's cmd_str(): each word in single quotes, except a leading "<" or ">" redirection. */
export function commandString(argv: readonly string[]): string {
  return argv.map((w, i) => (i === 0 && (w.startsWith('<') || w.startsWith('>')) ? w : `'${w}'`)).join(' ');
}

/** The config-time warning keepalived logs when scripts run without enable_script_security. */
export function securityViolationWarning(anyScript: boolean, anyInsecure: boolean, scriptSecurity: boolean): string | null {
  if (scriptSecurity || !anyScript) return null;
  return `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${anyInsecure ? ' There are insecure scripts.' : ''}`;
}
