import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import {
  checkPathSecurity, checkScriptSecurity, isExecutableBy, needsProtection, pathPrefixes, resolveScriptUser, securityViolationWarning,
  S_IFDIR, S_IFLNK, S_IFREG, type FsProbe, type StatLike,
} from '../../src/track/script-security.ts';

const dir = (mode: number, uid = 0, gid = 0): StatLike => ({ mode: S_IFDIR | mode, uid, gid });
const file = (mode: number, uid = 0, gid = 0): StatLike => ({ mode: S_IFREG | mode, uid, gid });

function fakeFs(entries: Record<string, StatLike>, links: Record<string, string> = {}): FsProbe {
  return {
    lstat: (p) => entries[p] ?? null,
    stat: (p) => entries[links[p] ?? p] ?? null,
    realpath: (p) => (entries[p] || links[p] ? links[p] ?? p : null),
  };
}

const secure = {
  '/': dir(0o755), '/etc': dir(0o755), '/etc/k': dir(0o755), '/etc/k/chk.sh': file(0o755),
  '/tmp': dir(0o1777), '/tmp/chk.sh': file(0o755),
};
const root = { uid: 0, gid: 0 };

test('path prefixes walk from /', () => {
  assert.deepEqual(pathPrefixes('/etc/k/chk.sh'), ['/', '/etc', '/etc/k', '/etc/k/chk.sh']);
});

test('a root-owned path with no foreign write bits is secure; sticky /tmp is allowed', () => {
  assert.equal(checkPathSecurity('/etc/k/chk.sh', fakeFs(secure).lstat).result, 'ok');
  assert.equal(checkPathSecurity('/tmp/chk.sh', fakeFs(secure).lstat).result, 'ok');
});

test('a non-root owner, a world-writable dir or a group-writable file with a non-root group is insecure', () => {
  const cases: Record<string, StatLike>[] = [
    { ...secure, '/etc/k': dir(0o755, 1000) },
    { ...secure, '/etc/k': dir(0o777) },
    { ...secure, '/etc/k/chk.sh': file(0o775, 0, 100) },
    { ...secure, '/etc/k/chk.sh': file(0o757) },
  ];
  for (const c of cases) assert.equal(checkPathSecurity('/etc/k/chk.sh', fakeFs(c).lstat).result, 'insecure');
  // group-writable but the group is root: fine
  assert.equal(checkPathSecurity('/etc/k/chk.sh', fakeFs({ ...secure, '/etc/k/chk.sh': file(0o775, 0, 0) }).lstat).result, 'ok');
});

test('an intermediate symlink is the wrong type; a final symlink is accepted', () => {
  assert.equal(checkPathSecurity('/etc/k/chk.sh', fakeFs({ ...secure, '/etc': { mode: S_IFLNK | 0o777, uid: 0, gid: 0 } }).lstat).result, 'wrongType');
  assert.equal(checkPathSecurity('/etc/k/chk.sh', fakeFs({ ...secure, '/etc/k/chk.sh': { mode: S_IFLNK | 0o777, uid: 0, gid: 0 } }).lstat).result, 'ok');
});

test('executable rules as keepalived', () => {
  assert.equal(isExecutableBy(file(0o100, 5), root), true);
  assert.equal(isExecutableBy(file(0o644), root), false);
  assert.equal(isExecutableBy(file(0o700, 1000, 1000), { uid: 1000, gid: 1 }), true);
  assert.equal(isExecutableBy(file(0o070, 1000, 1000), { uid: 1000, gid: 1000 }), false); // owner bits decide for the owner
  assert.equal(isExecutableBy(file(0o010, 0, 50), { uid: 7, gid: 50 }), true);
  assert.equal(isExecutableBy(file(0o001, 0, 50), { uid: 7, gid: 8 }), true);
  assert.equal(needsProtection(file(0o755), { uid: 65534, gid: 65534 }), false);
  assert.equal(needsProtection(file(0o4755), { uid: 65534, gid: 65534 }), true);
  assert.equal(needsProtection(file(0o755), { uid: 65534, gid: 0 }), true);
});

test('enable_script_security disables an insecure root script; without it the script runs but is flagged', () => {
  const fs = fakeFs({ ...secure, '/etc/k': dir(0o777) });
  const on = checkScriptSecurity('/etc/k/chk.sh', root, true, fs);
  assert.equal(on.run, false);
  assert.equal(!on.run && on.reason, 'insecure');
  const off = checkScriptSecurity('/etc/k/chk.sh', root, false, fs);
  assert.ok(off.run && off.insecure);
  assert.match(off.messages[0]!, /Unsafe permissions/);
  // the same script as an unprivileged user needs no path protection
  const nobody = checkScriptSecurity('/etc/k/chk.sh', { uid: 65534, gid: 65534 }, true, fs);
  assert.ok(nobody.run && !nobody.insecure);
});

test('missing and non-executable scripts are disabled; symlinks are resolved first', () => {
  assert.equal(checkScriptSecurity('/nope', root, true, fakeFs(secure)).run, false);
  const ne = checkScriptSecurity('/etc/k/chk.sh', root, true, fakeFs({ ...secure, '/etc/k/chk.sh': file(0o644) }));
  assert.ok(!ne.run && ne.reason === 'notExecutable');
  const linked = checkScriptSecurity('/bin/chk', root, true, fakeFs(secure, { '/bin/chk': '/etc/k/chk.sh' }));
  assert.ok(linked.run && linked.path === '/etc/k/chk.sh');
});

test('the real /bin/true on this host passes as root (merged /usr: /bin is a symlink, resolved first)', () => {
  const probe = (f: (p: string) => StatLike): ((p: string) => StatLike | null) => (p) => { try { return f(p); } catch { return null; } };
  const fs: FsProbe = { lstat: probe(lstatSync), stat: probe(statSync), realpath: (p) => { try { return realpathSync(p); } catch { return null; } } };
  const v = checkScriptSecurity('/bin/true', root, true, fs);
  assert.ok(v.run && !v.insecure, JSON.stringify(v));
});

test('default script user: script user, global script_user, keepalived_script, then the daemon unless secured', () => {
  const users: Record<string, { uid: number; gid: number }> = { nobody: { uid: 65534, gid: 65534 } };
  const lookup = { user: (n: string) => users[n] ?? null, group: (n: string) => (n === 'nogroup' ? 65534 : n === 'adm' ? 4 : null) };
  const daemon = { uid: 0, gid: 0 };
  assert.deepEqual(resolveScriptUser({ user: 'nobody', group: 'adm' }, null, lookup, daemon, true), { uid: 65534, gid: 4 });
  assert.deepEqual(resolveScriptUser(null, { user: 'nobody' }, lookup, daemon, true), { uid: 65534, gid: 65534 });
  assert.equal(resolveScriptUser({ user: 'ghost' }, null, lookup, daemon, false), null);
  assert.deepEqual(resolveScriptUser(null, null, lookup, daemon, false), daemon);
  assert.equal(resolveScriptUser(null, null, lookup, daemon, true), null);
  users['keepalived_script'] = { uid: 990, gid: 990 };
  assert.deepEqual(resolveScriptUser(null, null, lookup, daemon, true), { uid: 990, gid: 990 });
});

test('SECURITY VIOLATION warning', () => {
  assert.equal(securityViolationWarning(true, false, true), null);
  assert.equal(securityViolationWarning(false, false, false), null);
  assert.equal(securityViolationWarning(true, true, false), 'SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.');
});
