// Diagnostics never echo raw control bytes from a hostile or garbage config
// (an ANSI escape in a keyword must not repaint the operator's terminal or
// forge a log line): what is not printable is escaped, and FILE:LINE stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from '../../src/config/check.ts';
import { formatDiagnostic } from '../../src/config/diagnostics.ts';
import { fsReader } from '../../src/config/load.ts';

// Control characters, format characters (bidi overrides), surrogates, unassigned, line/paragraph separators.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;

function checkFile(bytes: Uint8Array | string) {
  const dir = mkdtempSync(join(tmpdir(), `vkesc${process.pid}`));
  const file = join(dir, 'k.conf');
  try {
    writeFileSync(file, bytes);
    const r = checkConfig(file, fsReader, { configId: 'x', env: null });
    return { file, lines: r.diagnostics.map(formatDiagnostic), r };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A small deterministic PRNG (xorshift32): the same garbage every run. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
  return out;
}

test('a config of random bytes: every diagnostic is printable and keeps FILE:LINE', () => {
  for (const seed of [1, 7, 12345]) {
    const { file, lines } = checkFile(randomBytes(64 * 1024, seed));
    assert.ok(lines.length > 10, `seed ${seed}: expected complaints, got ${lines.length}`);
    for (const l of lines) {
      assert.doesNotMatch(l, UNPRINTABLE, `seed ${seed}: ${JSON.stringify(l)}`);
      if (!l.startsWith('error: ') && !l.startsWith('warning: ')) assert.ok(l.startsWith(`${file}:`), l);
    }
  }
});

test('an ANSI escape in a keyword and control characters in a value are escaped, at their line', () => {
  const text = 'vrrp_instance V {\n  interface eth0\n  virtual_router_id 1\n  fro\x1b[31mb 1\n  priority 1\x07\x1b[2J\n  virtual_ipaddress {\n    10.0.0.1/24\n  }\n}\n';
  const { file, lines } = checkFile(text);
  const kw = lines.find((l) => l.includes('Unknown keyword'));
  assert.ok(kw, lines.join('\n'));
  assert.ok(kw.startsWith(`${file}:4:`), kw);
  assert.ok(kw.includes("'fro\\x1b[31mb'"), kw);
  const val = lines.find((l) => l.startsWith(`${file}:5:`));
  assert.ok(val, lines.join('\n'));
  assert.ok(val.includes('1\\x07\\x1b[2J'), val);
  for (const l of lines) assert.doesNotMatch(l, UNPRINTABLE, JSON.stringify(l));
});

test('a bidi override and a line separator in a word are escaped too', () => {
  const { lines } = checkFile('ab\u202Ecd\u2028ef 1\n');
  assert.ok(lines.some((l) => l.includes("'ab\\u{202e}cd\\u{2028}ef'")), lines.join('\n'));
});
