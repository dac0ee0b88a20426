// Trackers and notifications end to end: the HAProxy pair of keepalived's
// docs (a failing check with weight -10 takes 100 to 90 < 95 and the peer
// preempts), a weight-0 track_file that faults, and notify scripts receiving
// keepalived's arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { waitFor } from '../lib/lab.ts';

const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;
const FAULT = /\(VI_1\) Entering FAULT STATE/;

test('HAProxy pair: the check fails, 100 - 10 = 90 < 95, the peer preempts; the check recovers and the VIP returns', async () => {
  const v = createVrrpLab('hp', 2, 88);
  const dir = mkdtempSync(join(tmpdir(), `vk${process.pid}-hp-`));
  try {
    const vip = '10.88.0.100';
    const healthy = join(dir, 'haproxy-alive');
    writeFileSync(healthy, '');
    // As in the example everyone copies: the check is defined after the instance.
    const script = (weight: number) => [`vrrp_script chk_haproxy {`, `  script "/usr/bin/test -e ${healthy}"`, '  interval 1', `  weight ${weight}`, '  fall 1', '  rise 1', '}'].join('\n');
    const conf = (priority: number, withScript: boolean) =>
      config(`r${priority}`, [{ priority, vips: [`${vip}/24`], version: 3, extra: withScript ? ['track_script {', '  chk_haproxy', '}'] : [] }])
      + (withScript ? script(-10) + '\n' : '');
    const r1 = v.start('r1', conf(100, true));
    await r1.waitForLine(MASTER);
    await v.waitVip('r1', vip);
    const r2 = v.start('r2', conf(95, false));
    // The "(init)" BACKUP line only says r2 runs; holding past its
    // Master_Down_Interval (0.36 s) with no state change shows it hears r1.
    await waitFor('r2 started', () => r2.state() === 'BACKUP', 10_000);
    const r2init = r2.lines.length;
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(r2.stateLines(r2init), [], 'r2 stays BACKUP while r1 is healthy');
    const r1mark = r1.lines.length;
    const r2mark = r2.lines.length;
    rmSync(healthy);
    await r1.waitForLine(/VRRP_Script\(chk_haproxy\) failed/, 5000, r1mark);
    await r1.waitForLine(/Changing effective priority from 100 to 90/, 5000, r1mark);
    await r2.waitForLine(MASTER, 5000, r2mark);
    await v.waitVip('r2', vip);
    await r1.waitForLine(BACKUP, 5000, r1mark);
    await v.waitVip('r1', vip, false);
    const mark = r1.lines.length;
    writeFileSync(healthy, '');
    await r1.waitForLine(/VRRP_Script\(chk_haproxy\) succeeded/, 5000, mark);
    await r1.waitForLine(MASTER, 5000, mark);
    await v.waitVip('r1', vip);
  } finally {
    v.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a weight-0 track_file with a non-zero value puts the instance in FAULT; notify scripts get keepalived\'s arguments', async () => {
  const v = createVrrpLab('tf', 1, 89);
  const dir = mkdtempSync(join(tmpdir(), `vk${process.pid}-tf-`));
  try {
    const vip = '10.89.0.100';
    const file = join(dir, 'fault');
    const out = join(dir, 'notify.log');
    const notify = join(dir, 'notify.sh');
    writeFileSync(notify, `#!/bin/sh\necho "$@" >> ${out}\n`);
    chmodSync(notify, 0o755);
    writeFileSync(file, '0\n');
    const conf = [
      'global_defs {', '  router_id tf', '  enable_script_security', '  script_user root', '}',
      'vrrp_track_file fault_flag {', `  file ${file}`, '  weight 0', '}',
      'vrrp_instance VI_1 {', '  state BACKUP', '  interface eth0', '  virtual_router_id 51', '  priority 100', '  version 3', '  advert_int 0.1',
      '  track_file {', '    fault_flag', '  }',
      `  notify ${notify}`, `  notify_master "${notify} master-only"`,
      '  virtual_ipaddress {', `    ${vip}/24`, '  }', '}', '',
    ].join('\n');
    const r1 = v.start('r1', conf);
    await r1.waitForLine(MASTER);
    await v.waitVip('r1', vip);
    writeFileSync(file, '1\n');
    await r1.waitForLine(FAULT, 5000);
    await v.waitVip('r1', vip, false);
    writeFileSync(file, '0\n');
    await r1.waitForLine(MASTER, 5000, r1.lines.findIndex((l) => FAULT.test(l.text)) + 1);
    await waitFor('notify calls', () => existsSync(out) && readFileSync(out, 'utf8').trim().split('\n').length >= 6, 5000);
    const calls = readFileSync(out, 'utf8').trim().split('\n');
    assert.deepEqual(calls.slice(0, 6), [
      'INSTANCE VI_1 BACKUP 100',
      'master-only',
      'INSTANCE VI_1 MASTER 100',
      'INSTANCE VI_1 FAULT 100',
      'INSTANCE VI_1 BACKUP 100',
      'master-only',
    ]);
  } finally {
    v.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('track_process with weight 0: FAULT while the process is absent, MASTER once it runs, FAULT again when it exits', async () => {
  const v = createVrrpLab('tp', 1, 99);
  const marker = String(86_000_000 + process.pid); // a sleep argument no other process has
  let sleeper: import('node:child_process').ChildProcess | null = null;
  try {
    const vip = '10.99.0.100';
    const conf = [
      'global_defs {', '  router_id tp', '}',
      'vrrp_track_process proc_sleep {', `  process sleep ${marker}`, '  weight 0', '}',
      'vrrp_instance VI_1 {', '  state BACKUP', '  interface eth0', '  virtual_router_id 51', '  priority 100', '  version 3', '  advert_int 0.1',
      '  track_process {', '    proc_sleep', '  }',
      '  virtual_ipaddress {', `    ${vip}/24`, '  }', '}', '',
    ].join('\n');
    const r1 = v.start('r1', conf);
    await r1.waitForLine(FAULT, 10_000);
    assert.equal(v.hasVip('r1', vip), false);
    sleeper = v.lab.spawn('client', ['sleep', marker]);
    await r1.waitForLine(MASTER, 10_000);
    await v.waitVip('r1', vip);
    const mark = r1.lines.length;
    process.kill(sleeper.pid!, 'SIGKILL');
    await r1.waitForLine(FAULT, 10_000, mark);
    await v.waitVip('r1', vip, false);
  } finally {
    if (sleeper?.pid !== undefined && sleeper.exitCode === null) { try { process.kill(sleeper.pid, 'SIGKILL'); } catch { /* gone */ } }
    v.cleanup();
  }
});

test('init_fail: a weight-0 check that starts failing keeps the instance in FAULT from the start (never BACKUP or MASTER first)', async () => {
  const v = createVrrpLab('if', 1, 100);
  try {
    const conf = [
      'global_defs {', '  router_id if', '  enable_script_security', '  script_user root', '}',
      'vrrp_script chk_down {', '  script "/bin/false"', '  interval 1', '  weight 0', '  init_fail', '}',
      'vrrp_instance VI_1 {', '  state MASTER', '  interface eth0', '  virtual_router_id 51', '  priority 255', '  version 3', '  advert_int 0.1',
      '  track_script {', '    chk_down', '  }',
      '  virtual_ipaddress {', '    10.100.0.100/24', '  }', '}', '',
    ].join('\n');
    const r1 = v.start('r1', conf);
    await r1.waitForLine(FAULT, 10_000);
    await new Promise((r) => setTimeout(r, 2500)); // two more failing checks
    const states = r1.lines.filter((l) => /Entering \w+ STATE/.test(l.text)).map((l) => /Entering (\w+) STATE/.exec(l.text)![1]);
    assert.deepEqual(states, ['FAULT'], r1.log());
    assert.equal(v.hasVip('r1', '10.100.0.100'), false);
  } finally {
    v.cleanup();
  }
});
