// Users and groups through NSS (the addon's getpwnam_r, getgrnam_r and
// getgrouplist), so an LDAP or sssd account resolves as it does for login.
// Never /etc/passwd directly. null: no such name; a thrown error (errno-shaped,
// see native.ts): the lookup itself failed, which callers must not take for
// "no such user".
import { loadNative } from './native.ts';

export interface PasswdEntry { readonly name: string; readonly uid: number; readonly gid: number }

export interface Nss {
  user(name: string): PasswdEntry | null;
  group(name: string): number | null;
  /** The user's groups as initgroups(3) would set them, `gid` included. */
  groups(user: string, gid: number): number[];
}

export function nss(): Nss {
  const addon = loadNative();
  return {
    user: (name) => addon.getpwnam(name),
    group: (name) => addon.getgrnam(name),
    groups: (user, gid) => addon.getgrouplist(user, gid),
  };
}

/** The exec launcher built next to the addon (native/src/exec_launcher.c). */
export { execLauncherPath } from './native.ts';
