// The IO edge of config/: files, globs and host facts for the pure checker.
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { hostname } from 'node:os';
import { checkConfig, type CheckResult } from './check.ts';
import { globToRegExp, hasGlobMagic, type ConfigReader, type ReadResult } from './source.ts';
import type { CheckEnv } from './validate-env.ts';
import type { ScriptHost } from './validate-scripts.ts';
import type { FsProbe } from '../track/script-security.ts';
import { nss } from '../net/nss.ts';

/** csh-style {a,b} expansion, as glibc's GLOB_BRACE does. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const parts: string[] = [];
      let from = open + 1;
      for (const k of [...commas, i]) { parts.push(pattern.slice(from, k)); from = k + 1; }
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      return parts.flatMap((p) => expandBraces(head + p + tail));
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern];
}

function globOne(pattern: string): string[] {
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let paths = [pattern.startsWith('/') ? '/' : '.'];
  for (const seg of segments.slice(pattern.startsWith('/') ? 1 : 0)) {
    const next: string[] = [];
    for (const dir of paths) {
      const join = (name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
      if (!hasGlobMagic(seg)) { if (existsSync(join(seg))) next.push(join(seg)); continue; }
      let names: string[] = [];
      try { names = readdirSync(dir); } catch { continue; }
      const re = globToRegExp(seg);
      for (const n of names.sort()) if (re.test(n) && (seg.startsWith('.') || !n.startsWith('.'))) next.push(join(n));
    }
    paths = next;
  }
  // Every match, as glob(3) returns them: readConfigFile() says why it skips a directory or a FIFO.
  return paths.filter((p) => { try { lstatSync(p); return true; } catch { return false; } });
}

const ANY_EXEC = 0o111;

/**
 * Reads a config file only if it is a regular file with no execute bit, as
 * keepalived does. The type is checked on the open descriptor (O_NONBLOCK: a
 * FIFO without a writer must not block the open; libuv adds O_CLOEXEC), so a file swapped between
 * the check and the read cannot slip a device or FIFO in.
 */
export function readConfigFile(path: string): ReadResult {
  // Not even opened unless stat says regular: an include directory may let
  // others plant a link to a device, and opening one as root has effects.
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { refused: 'directory' };
    if (!st.isFile()) return { refused: 'notRegular' };
  } catch {
    return { refused: 'missing' };
  }
  let fd: number;
  // O_NOCTTY: a tty swapped in must not become the daemon's controlling terminal.
  try { fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY); } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EISDIR' ? { refused: 'directory' } : { refused: 'missing' };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { refused: 'directory' };
    if (!st.isFile() || (st.mode & ANY_EXEC) !== 0) return { refused: 'notRegular' };
    // Most configs are ASCII: then latin1 is the same text, copied byte for byte
    // (a third of the CPU of readFileSync's UTF-8 decoding on a 50 MB file).
    const bytes = readFileSync(fd);
    return { text: isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8') };
  } catch {
    return { refused: 'missing' };
  } finally {
    closeSync(fd);
  }
}

export const fsReader: ConfigReader = {
  read: readConfigFile,
  glob(pattern) {
    return [...new Set(expandBraces(pattern).flatMap(globOne))];
  },
};

/** lstat/stat/realpath for the script checks; null when the path cannot be reached. */
export const fsProbe: FsProbe = {
  lstat: (p) => { try { return lstatSync(p); } catch { return null; } },
  stat: (p) => { try { return statSync(p); } catch { return null; } },
  realpath: (p) => { try { return realpathSync(p); } catch { return null; } },
};

/** Users and groups through NSS, our files, PATH and our own ids: what decides who runs a script. */
export function scriptHost(): ScriptHost {
  const n = nss();
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return {
    user: (name) => n.user(name),
    group: (name) => n.group(name),
    groups: (user, g) => n.groups(user, g),
    fs: fsProbe,
    path: process.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    daemon: { uid, gid, groups: [gid] },
  };
}

/** Host facts as seen from this process's network namespace. */
export function hostEnv(): CheckEnv {
  // 1000 instances name the same few interfaces thousands of times: ask /sys once per name.
  const interfaces = new Map<string, boolean>();
  return {
    interfaceExists: (name) => {
      let found = interfaces.get(name);
      if (found === undefined) interfaces.set(name, (found = !name.includes('/') && existsSync(`/sys/class/net/${name}`)));
      return found;
    },
    scripts: scriptHost(),
    // ARPHRD_LOOPBACK is 772 (linux/if_arp.h).
    interfaceIsLoopback: (name) => { try { return readFileSync(`/sys/class/net/${name}/type`, 'utf8').trim() === '772'; } catch { return false; } },
  };
}

/** keepalived's default config id: the host name up to the first dot. */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

export function loadAndCheck(path: string, configId: string | null): CheckResult {
  return checkConfig(path, fsReader, { configId: configId ?? defaultConfigId(), env: hostEnv() });
}
