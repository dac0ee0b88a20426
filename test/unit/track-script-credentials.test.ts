// Scripts with real processes and real accounts: a user made here with
// useradd (resolved through NSS, never /etc/passwd directly) and two
// supplementary groups; the script writes `id` to a file. Also: an
// unresolvable user never runs, a file without #! is refused at exec, and a
// timed-out group gets SIGTERM, then SIGKILL 2 s later (keepalived 2.2.7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig } from '../../src/config/check.ts';
import { fsReader, scriptHost } from '../../src/config/load.ts';
import { resolveNamed } from '../../src/config/validate-scripts.ts';
import { nss } from '../../src/net/nss.ts';
import { runInGroup, TERM_GRACE_MS } from '../../src/track/spawn-group.ts';
import { processGone, ROOT_IDS, waitFor, withTmpDir, writeScript } from './track-helpers.ts';

const skip = process.getuid?.() !== 0 ? 'needs root (useradd, setuid)' : false;
const USER = `vku${process.pid}`;
const G1 = `vkga${process.pid}`;
const G2 = `vkgb${process.pid}`;

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

async function withUser(body: () => Promise<void>): Promise<void> {
  try {
    sh('groupadd', [G1]);
    sh('groupadd', [G2]);
    sh('useradd', ['-M', '-N', '-g', G1, '-G', G2, '-s', '/usr/sbin/nologin', USER]);
    await body();
  } finally {
    spawnSync('userdel', [USER]);
    spawnSync('groupdel', [G2]);
    spawnSync('groupdel', [G1]);
  }
}

/** A dir a non-root user can traverse (mkdtemp makes 0700). */
function open(dir: string): string {
  chmodSync(dir, 0o755);
  return dir;
}

test('NSS: a user made with useradd resolves with its supplementary groups; an unknown name is null', { skip }, () => withUser(async () => {
  const n = nss();
  const pw = n.user(USER);
  assert.ok(pw, 'useradd user resolves');
  assert.equal(n.group(G1), pw.gid);
  assert.deepEqual(new Set(n.groups(USER, pw.gid)), new Set([n.group(G1), n.group(G2)]));
  assert.equal(n.user(`vknosuch${process.pid}`), null);
  assert.equal(n.group(`vknosuch${process.pid}`), null);
}));

test('the script really runs as the configured uid, gid and supplementary groups', { skip }, () => withUser(() => withTmpDir('cr', async (d) => {
  const dir = open(d);
  const out = join(dir, 'id.out');
  writeFileSync(out, '');
  chmodSync(out, 0o666);
  const script = writeScript(dir, 'id.sh', `id -u > ${out}; id -g >> ${out}; id -G >> ${out}`);
  const r = resolveNamed(USER, null, scriptHost());
  assert.ok(r.ok);
  const outcome = await runInGroup({ argv: [script], ids: r.ids, timeoutMs: 10_000 }).done;
  assert.deepEqual(outcome, { kind: 'exit', code: 0 });
  const [uid, gid, groups] = readFileSync(out, 'utf8').trim().split('\n');
  const n = nss();
  assert.equal(Number(uid), n.user(USER)!.uid);
  assert.equal(Number(gid), n.group(G1));
  assert.deepEqual(new Set(groups!.split(' ').map(Number)), new Set([n.group(G1), n.group(G2)]), 'supplementary groups set, root\'s dropped');
})));

test('an unresolvable user (vrrp_script, notify, FIFO script) is disabled with file:line and never runs', { skip }, () => withTmpDir('cr', async (d) => {
  const dir = open(d);
  const marker = join(dir, 'ran');
  const script = writeScript(dir, 'mark.sh', `echo ran >> ${marker}`);
  const conf = join(dir, 'k.conf');
  writeFileSync(conf, `global_defs {\n script_user root\n enable_script_security\n notify_fifo ${dir}/fifo\n notify_fifo_script ${script} vknosuch${process.pid}\n}\n` +
    `vrrp_script chk {\n script ${script}\n user vknosuch${process.pid}\n}\n` +
    `vrrp_instance VI_1 {\n interface lo\n virtual_router_id 1\n virtual_ipaddress {\n  10.77.0.1/24\n }\n track_script {\n  chk\n }\n` +
    ` notify_master ${script} vknosuch${process.pid}\n notify_backup ${script} root vknosuchg${process.pid}\n}\n`);
  const env = { interfaceExists: () => true, scripts: scriptHost() };
  const r = checkConfig(conf, fsReader, { configId: null, env });
  const at = (line: number, text: string) => r.diagnostics.some((x) => x.pos?.line === line && x.message.includes(text));
  assert.ok(at(9, 'Unable to set uid/gid for script'), JSON.stringify(r.diagnostics));
  assert.ok(at(5, 'Invalid user/group for notify_fifo script'));
  assert.ok(at(18, 'track script chk not found'));
  assert.ok(at(20, 'Invalid user/group for notify script'));
  assert.ok(at(21, "Script group 'vknosuchg"));
  assert.equal(r.exitStatus, 5);
  const plan = r.scripts!;
  assert.equal(r.config.scripts.length, 0, 'the vrrp_script is dropped');
  const inst = r.config.instances[0]!;
  assert.equal(plan.get(inst.notify.master), null);
  assert.equal(plan.get(inst.notify.backup), null);
  assert.equal(plan.get(r.config.global.notifyFifo!.script), null);
  assert.equal(existsSync(marker), false);
}));

test('a file without #! is refused at exec (ENOEXEC), as in keepalived: not run through /bin/sh', { skip }, () => withTmpDir('cr', async (dir) => {
  const marker = join(dir, 'ran');
  const path = join(dir, 'nosb.sh');
  writeFileSync(path, `echo ran > ${marker}\n`);
  chmodSync(path, 0o755);
  const outcome = await runInGroup({ argv: [path], ids: ROOT_IDS, timeoutMs: 5000 }).done;
  assert.deepEqual(outcome, { kind: 'refused', step: 'exec', errno: 8 });
  assert.equal(existsSync(marker), false);
}));

test('timeout: SIGTERM to the group, SIGKILL 2 s later (keepalived 2.2.7), grandchild included', { skip }, () => withTmpDir('cr', async (dir) => {
  const log = join(dir, 'log');
  const gcFile = join(dir, 'gc');
  // Traps TERM and keeps going; its child ignores TERM: only the SIGKILL ends them.
  const script = writeScript(dir, 'stubborn.sh',
    `trap 'echo TERM >> ${log}' TERM\nsh -c 'trap "" TERM; exec sleep 60' &\necho $! > ${gcFile}\nwhile :; do sleep 0.05; done`);
  const timeoutMs = 300;
  const t0 = performance.now();
  const run = runInGroup({ argv: [script], ids: ROOT_IDS, timeoutMs });
  let termAt = 0;
  const seenTerm = waitFor('the TERM trap', () => existsSync(log), timeoutMs + 3000).then(() => { termAt = performance.now() - t0; });
  const outcome = await run.done;
  const endAt = performance.now() - t0;
  await seenTerm;
  assert.deepEqual(outcome, { kind: 'timeout' });
  assert.ok(termAt >= timeoutMs - 5 && termAt < timeoutMs + 1000, `TERM after ${termAt} ms`);
  assert.ok(endAt >= timeoutMs + TERM_GRACE_MS - 50, `killed after ${endAt} ms, before the 2 s grace`);
  assert.ok(endAt < timeoutMs + TERM_GRACE_MS + 1500, `killed after ${endAt} ms`);
  const gc = Number(readFileSync(gcFile, 'utf8'));
  await waitFor(`grandchild ${gc} to die`, () => processGone(gc), 2000);
}));

test('a script gets no descriptor the daemon inherited open (above 3), only stdin, stdout and stderr', { skip: process.getuid?.() !== 0 && 'needs root' }, () => withTmpDir('fd', async (dir) => {
  // A daemon started from a shell or a supervisor may inherit open descriptors
  // that are not close-on-exec; a script running as another user must not get them.
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'root only\n', { mode: 0o600 });
  const out = join(dir, 'fds');
  chmodSync(dir, 0o777);
  const child = `
    import { runInGroup } from ${JSON.stringify(new URL('../../src/track/spawn-group.ts', import.meta.url).pathname)};
    const run = runInGroup({ argv: ['/bin/sh', '-c', 'for f in /proc/$$/fd/*; do echo "\${f##*/} $(readlink $f)"; done > ${out}'], ids: { uid: 65534, gid: 65534, groups: [65534] }, timeoutMs: 5000 });
    const o = await run.done;
    if (o.kind !== 'exit' || o.code !== 0) { console.error(JSON.stringify(o)); process.exit(1); }
  `;
  // The secret is opened by bash at fd 200 (not close-on-exec) that then execs node, as a
  // supervisor or login shell might leave it. (Node itself marks its low descriptors close-on-exec.)
  const r = spawnSync('/bin/bash', ['-c', 'exec 200<"$1"; exec "$0" --import tsx --input-type=module -e "$2"', process.execPath, secret, child],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd(), timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr.toString());
  const fds = readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]);
  // The shell may hold a descriptor of its own (dash: 10); none may be the inherited secret.
  assert.deepEqual(fds.filter(([, target]) => target === secret), [], `the script could read the secret: ${JSON.stringify(fds)}`);
  assert.ok(!fds.some(([n]) => n === '200'), `the script had descriptor 200: ${JSON.stringify(fds)}`);
  assert.ok(fds.some(([n]) => n === '1'), 'the listing ran');
}));
