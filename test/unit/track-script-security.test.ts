import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import {
  checkPathSecurity, checkScriptSecurity, commandString, isExecutableBy, needsProtection, pathPrefixes, securityViolationWarning,
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
  // A user with root among its supplementary groups (the launcher sets them) has group root's
  // rights: its scripts need the same protection as gid 0 (keepalived sets no supplementary groups).
  assert.equal(needsProtection(file(0o755), { uid: 65534, gid: 65534, groups: [65534, 0] }), true);
  assert.equal(needsProtection(file(0o755), { uid: 65534, gid: 65534, groups: [65534, 100] }), false);
});

const PATH = '/usr/bin:/bin';

test('enable_script_security inhibits an insecure root script; without it the script runs but is flagged insecure', () => {
  const fs = fakeFs({ ...secure, '/etc/k': dir(0o777) });
  const on = checkScriptSecurity('/etc/k/chk.sh', root, true, fs, PATH);
  assert.ok(on.inhibit && on.insecure && on.isScript);
  assert.match(on.messages[0]!, /^Unsafe permissions found for script '\/etc\/k\/chk.sh' - disabling\.$/);
  const off = checkScriptSecurity('/etc/k/chk.sh', root, false, fs, PATH);
  assert.ok(!off.inhibit && off.insecure && off.executable);
  assert.equal(off.messages[0], "Unsafe permissions found for script '/etc/k/chk.sh'.");
  // the same script as an unprivileged user needs no path protection
  const nobody = checkScriptSecurity('/etc/k/chk.sh', { uid: 65534, gid: 65534 }, true, fs, PATH);
  assert.ok(!nobody.inhibit && !nobody.insecure && nobody.executable);
});

test('missing and non-executable scripts; symlinks are resolved first; bare names searched in PATH', () => {
  assert.ok(checkScriptSecurity('/nope', root, true, fakeFs(secure), PATH).notFound);
  const ne = checkScriptSecurity('/etc/k/chk.sh', root, true, fakeFs({ ...secure, '/etc/k/chk.sh': file(0o644) }), PATH);
  assert.ok(!ne.executable && ne.isScript && !ne.inhibit);
  assert.match(ne.messages[0]!, /is not executable for uid:gid 0:0 - disabling/);
  const linked = checkScriptSecurity('/bin/chk', root, true, fakeFs(secure, { '/bin/chk': '/etc/k/chk.sh' }), PATH);
  assert.ok(linked.executable && linked.path === '/etc/k/chk.sh');
  const bare = checkScriptSecurity('chk.sh', root, true, fakeFs(secure), '/usr/bin:/etc/k');
  assert.equal(bare.path, '/etc/k/chk.sh');
  assert.match(bare.messages[0]!, /resolved by path search to `\/etc\/k\/chk.sh`/);
  assert.ok(checkScriptSecurity('nochk', root, true, fakeFs(secure), PATH).notFound);
  assert.ok(checkScriptSecurity('</dev/tcp/127.0.0.1/80', root, true, fakeFs(secure), PATH).system);
});

test('a directory the user cannot search makes the script inaccessible to it', () => {
  const fs = fakeFs({ ...secure, '/etc/k': dir(0o700) });
  assert.ok(checkScriptSecurity('/etc/k/chk.sh', { uid: 65534, gid: 65534 }, true, fs, PATH).notFound);
  assert.ok(checkScriptSecurity('/etc/k/chk.sh', root, true, fs, PATH).executable);
});

test('the real /bin/true on this host passes as root (merged /usr: /bin is a symlink, resolved first)', () => {
  const probe = (f: (p: string) => StatLike): ((p: string) => StatLike | null) => (p) => { try { return f(p); } catch { return null; } };
  const fs: FsProbe = { lstat: probe(lstatSync), stat: probe(statSync), realpath: (p) => { try { return realpathSync(p); } catch { return null; } } };
  const v = checkScriptSecurity('/bin/true', root, true, fs, PATH);
  assert.ok(v.executable && !v.insecure && !v.inhibit, JSON.stringify(v));
});

test('commandString quotes as keepalived cmd_str()', () => {
  assert.equal(commandString(['/a.sh', 'x y']), "'/a.sh' 'x y'");
  assert.equal(commandString(['</dev/tcp/1/2']), '</dev/tcp/1/2');
});

test('SECURITY VIOLATION warning', () => {
  assert.equal(securityViolationWarning(true, false, true), null);
  assert.equal(securityViolationWarning(false, false, false), null);
  assert.equal(securityViolationWarning(true, true, false), 'SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.');
});
