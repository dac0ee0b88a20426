// The import-direction check can fail: it rejects a pure module importing IO
// or reading the clock, and an edge module importing the core; it passes a
// tree that follows DESIGN.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SCRIPT = new URL('../../scripts/check-imports.ts', import.meta.url).pathname;

function check(files: Record<string, string>): { status: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), `vk${process.pid}-imports-`));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--root', root], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('a tree that follows the dependency direction passes', () => {
  const r = check({
    'src/base/ip.ts': 'export const x = 1;\n',
    'src/vrrp/core.ts': "import { x } from '../base/ip.ts';\nexport const y = x + 1; // Date.now() in a comment is fine\n",
    'src/net/sock.ts': "import { readFileSync } from 'node:fs';\nimport { x } from '../base/ip.ts';\nexport const z = [readFileSync, x];\n",
    'src/daemon/d.ts': "import { y } from '../vrrp/core.ts';\nimport { z } from '../net/sock.ts';\nexport const w = [y, z];\n",
  });
  assert.equal(r.status, 0, r.out);
});

test('IO or a clock in the core, the core in an edge module, and the daemon imported elsewhere all fail', () => {
  const r = check({
    'src/vrrp/bad-io.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n",
    'src/vrrp/bad-clock.ts': 'export const now = () => Date.now();\n',
    'src/vrrp/core.ts': 'export const y = 1;\n',
    'src/net/bad-edge.ts': "import { y } from '../vrrp/core.ts';\nexport const b = y;\n",
    'src/daemon/d.ts': 'export const d = 1;\n',
    'src/notify/bad.ts': "import { d } from '../daemon/d.ts';\nexport const c = d;\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.out, /src\/vrrp\/bad-io\.ts: imports node:fs/);
  assert.match(r.out, /src\/vrrp\/bad-clock\.ts: uses Date\.now/);
  assert.match(r.out, /src\/net\/bad-edge\.ts: imports \.\.\/vrrp\/core\.ts/);
  assert.match(r.out, /src\/notify\/bad\.ts: imports \.\.\/daemon\/d\.ts: nothing but main\.ts imports the daemon/);
});

test('the core imports nothing from src/track, even its pure parts (the priority rules live in src/vrrp)', () => {
  const r = check({
    'src/base/ip.ts': 'export const x = 1;\n',
    'src/track/priority.ts': "import { x } from '../base/ip.ts';\nexport const p = x;\n",
    'src/vrrp/core.ts': "import { p } from '../track/priority.ts';\nexport const y = p;\n",
  });
  assert.equal(r.status, 1);
  assert.match(r.out, /src\/vrrp\/core\.ts: imports \.\.\/track\/priority\.ts: the core \(src\/vrrp\) imports only base\/ and vrrp\//);
});
