// Every fixture in test/fixtures/config gives the exit status and the
// diagnostics (file:line) its header promises. The host is faked: interfaces
// eth0 and eth1 (and the loopback lo), user root, and real files for script lookups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { checkConfig } from '../../src/config/check.ts';
import { formatDiagnostic } from '../../src/config/diagnostics.ts';
import { fsProbe, fsReader } from '../../src/config/load.ts';
import type { CheckEnv } from '../../src/config/validate-env.ts';
import { allFixtures } from '../fixtures/config/expectations.ts';

const env: CheckEnv = {
  interfaceExists: (name) => name === 'eth0' || name === 'eth1' || name === 'lo',
  interfaceIsLoopback: (name) => name === 'lo',
  scripts: {
    user: (n) => (n === 'root' ? { uid: 0, gid: 0 } : null),
    group: (n) => (n === 'root' ? 0 : null),
    groups: (_u, g) => [g],
    fs: fsProbe,
    path: '/usr/sbin:/usr/bin:/sbin:/bin',
    daemon: { uid: 0, gid: 0, groups: [0] },
  },
};

for (const fx of allFixtures()) {
  test(`fixture ${fx.path.split('/config/')[1]}`, () => {
    const r = checkConfig(fx.path, fsReader, { configId: fx.configId ?? 'nohost', env });
    const shown = r.diagnostics.map(formatDiagnostic).join('\n');
    assert.equal(r.exitStatus, fx.exit, `exit status; diagnostics:\n${shown}`);
    for (const want of fx.diagnostics) {
      const alternatives = want.text.split('|');
      const hit = r.diagnostics.some((d) => (d.pos?.line ?? 0) === want.line && alternatives.some((t) => d.message.includes(t)));
      assert.ok(hit, `expected a diagnostic at line ${want.line} containing '${want.text}'; got:\n${shown}`);
    }
    if (fx.exit === 0) {
      assert.ok(r.diagnostics.every((d) => d.impact === 'none'), `a good config has only notes:\n${shown}`);
    }
  });
}
