// Script security end to end, in the daemon: with enable_script_security, a
// world-writable track script, a track script whose user does not exist and
// a world-writable notify_master script never run (each would leave a marker
// file), while a secure track script and a secure notify_master do run. The
// unit tests decide the same cases on the plan; this shows the daemon runs
// only what the plan allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';

test('enable_script_security: insecure and unresolvable scripts never run in the daemon; secure ones do', async () => {
  const v = createVrrpLab('ss', 1, 91);
  const dir = mkdtempSync(join(tmpdir(), `vk${process.pid}-ss-`));
  try {
    chmodSync(dir, 0o755);
    const script = (name: string, mode: number): { path: string; marker: string } => {
      const path = join(dir, `${name}.sh`);
      const marker = join(dir, `${name}.ran`);
      writeFileSync(path, `#!/bin/sh\ntouch ${marker}\nexit 0\n`);
      chmodSync(path, mode);
      return { path, marker };
    };
    const good = script('good', 0o755);
    const writable = script('writable', 0o777);
    const nouser = script('nouser', 0o755);
    const notifyGood = script('notify-good', 0o755);
    const notifyWritable = script('notify-writable', 0o777);
    const missingUser = `vk${process.pid}nosuchuser`;
    const vrrpScript = (name: string, path: string, user: string) =>
      [`vrrp_script ${name} {`, `  script "${path}"`, '  interval 1', '  weight -50', `  user ${user}`, '}'].join('\n');
    const conf = config('r1', [{
      priority: 150, vips: ['10.91.0.100/24'], version: 3,
      extra: ['track_script {', '  chk_good', '  chk_writable', '  chk_nouser', '}',
        `notify_master "${notifyGood.path}"`, `notify "${notifyWritable.path}"`],
    }], ['enable_script_security', 'script_user root']) + [
      vrrpScript('chk_good', good.path, 'root'),
      vrrpScript('chk_writable', writable.path, 'root'),
      vrrpScript('chk_nouser', nouser.path, missingUser),
    ].join('\n') + '\n';
    const r1 = v.start('r1', conf);
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, 15_000);
    await v.waitVip('r1', '10.91.0.100');
    // Two intervals of the track scripts, and time for the notify_master.
    await new Promise((r) => setTimeout(r, 2500));
    const log = r1.lines.map((l) => l.text).join('\n');
    assert.match(log, /Unsafe permissions found for script '[^']*writable\.sh'/);
    assert.match(log, /Disabling track script chk_writable due to insecure/);
    assert.match(log, new RegExp(`Script user '${missingUser}' does not exist`));
    assert.ok(existsSync(good.marker), 'the secure track script ran');
    assert.ok(existsSync(notifyGood.marker), 'the secure notify_master ran');
    assert.equal(existsSync(writable.marker), false, 'the world-writable track script never ran');
    assert.equal(existsSync(nouser.marker), false, 'the track script of a user that does not exist never ran (no fallback to root)');
    assert.equal(existsSync(notifyWritable.marker), false, 'the world-writable notify script never ran');
    // The disabled scripts' weights do not apply (keepalived: "not found"), and the good one succeeds.
    assert.doesNotMatch(log, /Changing effective priority/);
  } finally {
    v.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
