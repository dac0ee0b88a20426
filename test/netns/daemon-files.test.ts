// Files the root daemon writes at paths another user can predict: a symlink
// (or file) planted there by an unprivileged user must never redirect the
// write (keepalived's CVE-2018-19044/19045/19046). The attacker is `nobody`,
// planting through setpriv; the victim is a root-owned file it cannot write.
// keepalived 2.2.7, measured: it refuses to start on a pid-file symlink it
// cannot follow ("pidfile_write : Cannot open ... pidfile"); its dumps replace
// a planted symlink with a fresh 0600 file; it ignores a notify FIFO path that
// is a symlink ("Unable to open notify fifo").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { config } from '../lib/conf.ts';
import { DaemonProc, VIPKEEPER } from '../lib/daemon-proc.ts';
import { waitFor } from '../lib/lab.ts';

const VICTIM_TEXT = 'root-owned victim: must never change\n';
const NOBODY = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
const NOGROUP = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());

/** Runs argv as nobody (no supplementary groups): the unprivileged attacker. */
function asNobody(argv: readonly string[]): void {
  const r = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOGROUP), '--clear-groups', ...argv], { encoding: 'utf8' });
  assert.equal(r.status, 0, `as nobody: ${argv.join(' ')}: ${r.stderr}`);
}

interface Scene {
  readonly root: string; // root-only (0700): the victim and our own files
  readonly victim: string;
  readonly mode: number;
  readonly cleanup: () => void;
}

/** A root-owned victim in a root-only directory. */
function scene(): Scene {
  const root = mkdtempSync(join(tmpdir(), `vk${process.pid}-files-`));
  const victim = join(root, 'victim');
  writeFileSync(victim, VICTIM_TEXT, { mode: 0o600 });
  return { root, victim, mode: lstatSync(victim).mode, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function assertVictimUntouched(s: Scene): void {
  assert.equal(readFileSync(s.victim, 'utf8'), VICTIM_TEXT, 'the victim was written through the planted link');
  const st = lstatSync(s.victim);
  assert.deepEqual([st.uid, st.mode], [0, s.mode], 'the victim changed owner or mode');
}

/** A directory the attacker owns (0755): no sticky bit, no kernel link protection applies. */
function attackerDir(s: Scene, name: string, mode = 0o755): string {
  const dir = join(s.root, name);
  execFileSync('mkdir', [dir]);
  chownSync(dir, NOBODY, NOGROUP);
  chmodSync(s.root, 0o755); // the attacker must reach its directory
  chmodSync(dir, mode);
  return dir;
}

const regularOwnedByRoot = (path: string, mode: number) => {
  const st = lstatSync(path);
  assert.ok(st.isFile(), `${path} is a regular file, not a link`);
  assert.equal(st.uid, 0, `${path} is owned by root`);
  assert.equal((st.mode & 0o7777).toString(8), mode.toString(8), `${path} mode`);
};

test('pid files (-p, -r) at planted symlinks: the daemon refuses to start as keepalived does, and writes nothing through them', async () => {
  const v = createVrrpLab('fp', 1, 131);
  const s = scene();
  try {
    const w = attackerDir(s, 'run');
    const conf = config('r1', [{ priority: 150, vips: ['10.131.0.100/24'], version: 3 }]);
    const cases = [
      { name: '-p to the victim', link: 'ka.pid', to: s.victim },
      { name: '-r to the victim', link: 'vrrp.pid', to: s.victim },
      { name: '-p dangling, into a root-only directory', link: 'ka.pid', to: join(s.root, 'created-through-link') },
      { name: '-p to a victim that holds a dead PID', link: 'ka.pid', to: s.victim, victimText: '999999\n' },
    ];
    for (const c of cases) {
      if (c.victimText) writeFileSync(s.victim, c.victimText);
      const before = readFileSync(s.victim, 'utf8');
      asNobody(['ln', '-s', c.to, join(w, c.link)]);
      const d = new DaemonProc(v.lab, 'r1', conf, ['-p', join(w, 'ka.pid'), '-r', join(w, 'vrrp.pid')]);
      try {
        const code = await d.exited(10_000);
        assert.notEqual(code, 0, `${c.name}: refused with a non-zero exit\n${d.log()}`);
        assert.match(d.log(), new RegExp(`pidfile_write : Cannot open ${join(w, c.link)} pidfile`), c.name);
        assert.doesNotMatch(d.log(), /Entering (BACKUP|MASTER) STATE/, `${c.name}: no instance started`);
        assert.equal(readFileSync(s.victim, 'utf8'), before, `${c.name}: the victim was written through the link`);
        assert.equal(existsSync(join(s.root, 'created-through-link')), false, `${c.name}: nothing created through a dangling link`);
        assert.ok(lstatSync(join(w, c.link)).isSymbolicLink(), `${c.name}: the planted link is left as found`);
        assert.equal(existsSync(join(w, c.link === 'ka.pid' ? 'vrrp.pid' : 'ka.pid')), false, `${c.name}: no pid file left behind`);
      } finally {
        d.cleanup();
        rmSync(join(w, c.link), { force: true });
        writeFileSync(s.victim, VICTIM_TEXT);
      }
    }
    assertVictimUntouched(s);
  } finally {
    v.cleanup();
    s.cleanup();
  }
});

test('pid files are written fresh (0644, root), replacing a stale file another user left, and removed at exit', async () => {
  const v = createVrrpLab('fq', 1, 132);
  const s = scene();
  try {
    const w = attackerDir(s, 'run');
    asNobody(['sh', '-c', `echo 999999 > ${join(w, 'ka.pid')}`]); // a stale pid file, not ours
    // A umask of 077 must not change the mode: keepalived's pid files are 0644 whatever the umask.
    const umask = process.umask(0o077);
    let d: DaemonProc;
    try {
      d = new DaemonProc(v.lab, 'r1', config('r1', [{ priority: 150, vips: ['10.132.0.100/24'], version: 3 }]), ['-p', join(w, 'ka.pid'), '-r', join(w, 'vrrp.pid')]);
    } finally {
      process.umask(umask);
    }
    try {
      await d.waitForLine(/\(VI_1\) Entering MASTER STATE/);
      const pid = String(d.child.pid);
      for (const f of ['ka.pid', 'vrrp.pid']) {
        regularOwnedByRoot(join(w, f), 0o644);
        assert.equal(readFileSync(join(w, f), 'utf8'), `${pid}\n`);
      }
      d.signal('SIGTERM');
      assert.equal(await d.exited(8000), 0, d.log());
      assert.equal(existsSync(join(w, 'ka.pid')), false);
      assert.equal(existsSync(join(w, 'vrrp.pid')), false);
    } finally {
      d.cleanup();
    }
  } finally {
    v.cleanup();
    s.cleanup();
  }
});

test('SIGUSR1/SIGUSR2 dumps and notify FIFOs in a sticky world-writable directory with planted symlinks: 0600 files replace the links, the victim is untouched', async () => {
  const v = createVrrpLab('fd', 1, 133);
  const s = scene();
  try {
    const tmp = attackerDir(s, 'tmp', 0o1777); // like /tmp
    chownSync(tmp, 0, 0);
    const clean = attackerDir(s, 'clean');
    chownSync(clean, 0, 0);
    for (const f of ['keepalived.data', 'keepalived.stats', 'notify.fifo']) asNobody(['ln', '-s', s.victim, join(tmp, f)]);
    const conf = config('r1', [{ priority: 150, vips: ['10.133.0.100/24'], version: 3 }], [
      `notify_fifo ${join(tmp, 'notify.fifo')}`,
      `vrrp_notify_fifo ${join(clean, 'vrrp.fifo')}`,
    ]);
    const d = new DaemonProc(v.lab, 'r1', conf, [], 'vipkeeper', { VIPKEEPER_DUMP_DIR: tmp });
    try {
      await d.waitForLine(/\(VI_1\) Entering MASTER STATE/);
      assert.match(d.log(), new RegExp(`Unable to open notify fifo ${join(tmp, 'notify.fifo')}`));
      assert.ok(lstatSync(join(tmp, 'notify.fifo')).isSymbolicLink(), 'the planted FIFO link is left alone');
      const fifo = lstatSync(join(clean, 'vrrp.fifo'));
      assert.ok(fifo.isFIFO());
      assert.equal((fifo.mode & 0o7777).toString(8), '600', 'keepalived 2.2.7 creates its FIFOs 0600');
      d.signal('SIGUSR1');
      d.signal('SIGUSR2');
      for (const f of ['keepalived.data', 'keepalived.stats']) {
        await waitFor(`${f} written`, () => lstatSync(join(tmp, f)).isFile(), 5000);
        regularOwnedByRoot(join(tmp, f), 0o600);
        assert.doesNotThrow(() => JSON.parse(readFileSync(join(tmp, f), 'utf8')));
      }
      assertVictimUntouched(s);
    } finally {
      d.cleanup();
    }
  } finally {
    v.cleanup();
    s.cleanup();
  }
});

test('track_file init_file through a planted symlink: replaced by a fresh root file (keepalived\'s fopen_safe), the victim untouched', async () => {
  const v = createVrrpLab('ft', 1, 134);
  const s = scene();
  try {
    const w = attackerDir(s, 'track');
    asNobody(['ln', '-s', s.victim, join(w, 'weight')]);
    asNobody(['ln', '-s', join(s.root, 'created-through-link'), join(w, 'fresh')]);
    const conf = [
      `track_file tf_over {\n  file ${join(w, 'weight')}\n  weight 1\n  init_file 7 overwrite\n}`,
      `track_file tf_new {\n  file ${join(w, 'fresh')}\n  weight 1\n  init_file 3\n}`,
      config('r1', [{ priority: 150, vips: ['10.134.0.100/24'], version: 3, extra: ['track_file {\n    tf_over\n    tf_new\n  }'] }]),
    ].join('\n');
    const d = new DaemonProc(v.lab, 'r1', conf);
    try {
      await d.waitForLine(/\(VI_1\) Entering MASTER STATE/);
      assertVictimUntouched(s);
      assert.equal(existsSync(join(s.root, 'created-through-link')), false, 'nothing created through a dangling link');
      regularOwnedByRoot(join(w, 'weight'), 0o600);
      assert.equal(readFileSync(join(w, 'weight'), 'utf8'), '7\n');
      regularOwnedByRoot(join(w, 'fresh'), 0o600);
      assert.equal(readFileSync(join(w, 'fresh'), 'utf8'), '3\n');
    } finally {
      d.cleanup();
    }
  } finally {
    v.cleanup();
    s.cleanup();
  }
});

test('-t with a log file at a planted symlink: "Unable to open config-test log file", exit 1, victim untouched', () => {
  const s = scene();
  try {
    const w = attackerDir(s, 'logs');
    asNobody(['ln', '-s', s.victim, join(w, 'check.log')]);
    const conf = join(s.root, 'keepalived.conf');
    writeFileSync(conf, config('r1', [{ priority: 150, vips: ['10.135.0.100/24'], version: 3 }]));
    const r = spawnSync(VIPKEEPER, [`--config-test=${join(w, 'check.log')}`, '-f', conf], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Unable to open config-test log file ${join(w, 'check.log')}`));
    assertVictimUntouched(s);
  } finally {
    s.cleanup();
  }
});
