// What the pure parser needs from the outside world: file text and glob
// expansion. load.ts implements it over node:fs; tests pass an in-memory map.

/**
 * A file's text, or why it was not read. keepalived reads only regular files
 * with no execute bit; a directory, device, FIFO or executable is refused
 * before any byte is read (`include /dev/zero` must not hang the check).
 */
export type ReadResult =
  | { readonly text: string }
  | { readonly refused: 'missing' | 'directory' | 'notRegular' };

export interface ConfigReader {
  read(path: string): ReadResult;
  /** Sorted paths matching an absolute glob pattern ([] if none), whatever their type: read() judges them. */
  glob(pattern: string): string[];
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : path.slice(0, i);
}

/** Resolves `path` against directory `base`, folding '.' and '..' (lexically, as messages show it). */
export function resolvePath(base: string, path: string): string {
  const joined = path.startsWith('/') ? path : `${base}/${path}`;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && !joined.startsWith('/')) out.push(seg);
    else if (seg === '..') continue;
    else out.push(seg);
  }
  const abs = joined.startsWith('/') ? '/' : '';
  return abs + out.join('/');
}

/** An in-memory reader, for tests and for callers that already hold the text. */
export function memoryReader(files: Readonly<Record<string, string>>): ConfigReader {
  return {
    read: (path) => {
      const text = files[path];
      return text === undefined ? { refused: 'missing' } : { text };
    },
    glob: (pattern) => {
      const re = globToRegExp(pattern);
      return Object.keys(files).filter((p) => re.test(p)).sort();
    },
  };
}

/** One path segment's glob (*, ?, [...]) as a RegExp; '/' is never matched by a wildcard. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}
