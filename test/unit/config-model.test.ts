// The model: keepalived's defaults, inheritance from global_defs, derived
// family/version, forward references, and the diagnostics of validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/check.ts';
import { hostEnv } from '../../src/config/load.ts';
import { memoryReader } from '../../src/config/source.ts';
import type { CheckEnv } from '../../src/config/validate-env.ts';
import type { FsProbe } from '../../src/track/script-security.ts';

/** /bin/true and /usr/bin/check exist, root-owned, 0755, on a root-owned tree. */
const fakeFs: FsProbe = (() => {
  const dirs = new Set(['/', '/bin', '/usr', '/usr/bin']);
  const files = new Set(['/bin/true', '/usr/bin/check']);
  const st = (p: string) => (dirs.has(p) ? { mode: 0o040755, uid: 0, gid: 0 } : files.has(p) ? { mode: 0o100755, uid: 0, gid: 0 } : null);
  return { lstat: st, stat: st, realpath: (p) => (dirs.has(p) || files.has(p) ? p : null) };
})();

const env: CheckEnv = {
  interfaceExists: (n) => n === 'eth0' || n === 'eth1',
  scripts: {
    user: (n) => (n === 'root' ? { uid: 0, gid: 0 } : null),
    group: (n) => (n === 'root' ? 0 : null),
    groups: (_u, g) => [g],
    fs: fakeFs,
    path: '/usr/sbin:/usr/bin:/sbin:/bin',
    daemon: { uid: 0, gid: 0, groups: [0] },
  },
};

function check(text: string, withEnv: CheckEnv | null = env) {
  return checkConfig('/k.conf', memoryReader({ '/k.conf': text }), { configId: 'main', env: withEnv });
}

const instance = (body: string, name = 'V', vrid = 1) =>
  `vrrp_instance ${name} {\n interface eth0\n virtual_router_id ${vrid}\n${body}\n virtual_ipaddress {\n  10.0.0.${vrid}/24\n }\n}\n`;

test('an instance gets keepalived defaults', () => {
  const r = check(instance(''));
  assert.equal(r.exitStatus, 0, JSON.stringify(r.diagnostics));
  const v = r.config.instances[0]!;
  assert.equal(v.priority, 100);
  assert.equal(v.advertIntervalMs, 1000);
  assert.equal(v.initialState, 'BACKUP');
  assert.equal(v.version, 2);
  assert.equal(v.family, 4);
  assert.equal(v.preempt, true);
  assert.equal(v.preemptDelayMs, 0);
  assert.equal(v.garpMasterDelayMs, 5000);
  assert.equal(v.garpMasterRepeat, 5);
  assert.equal(v.garpMasterRefreshMs, null);
  assert.equal(v.garpLowerPrioDelayMs, 5000);
  assert.equal(v.garpLowerPrioRepeat, 5);
  assert.equal(v.downTimerAdverts, 3);
  assert.equal(v.acceptMode, true);
  assert.equal(v.unicastTtl, 255);
  assert.deepEqual(v.auth, { type: 'none' });
  assert.equal(r.config.global.mcastGroup4, '224.0.0.18');
  assert.equal(r.config.global.mcastGroup6, 'ff02::12');
});

test('instances inherit garp settings from global_defs unless they set their own', () => {
  const r = check(`global_defs {\n vrrp_garp_master_delay 2\n vrrp_garp_master_repeat 3\n vrrp_garp_lower_prio_repeat 1\n vrrp_version 3\n}\n` +
    instance(' garp_master_repeat 9') + instance('', 'W', 2));
  const [v, w] = r.config.instances;
  assert.equal(v!.garpMasterDelayMs, 2000);
  assert.equal(v!.garpMasterRepeat, 9);
  assert.equal(w!.garpMasterRepeat, 3);
  assert.equal(w!.garpLowerPrioRepeat, 1);
  assert.equal(w!.garpLowerPrioDelayMs, 2000, 'lower-prio delay defaults to the master delay');
  assert.equal(w!.version, 3);
  assert.equal(w!.strictMode, false);
});

test('vrrp_strict: no_accept, no lower-priority GARP repeats, and it says what it resets', () => {
  const r = check(`global_defs {\n vrrp_strict\n vrrp_garp_lower_prio_repeat 4\n}\n` + instance(' priority 100\n down_timer_adverts 5\n preempt_delay 3'));
  const v = r.config.instances[0]!;
  assert.equal(v.strictMode, true);
  assert.equal(v.acceptMode, false);
  assert.equal(v.garpLowerPrioRepeat, 0);
  assert.equal(v.lowerPrioNoAdvert, true);
  assert.equal(v.downTimerAdverts, 3);
  assert.equal(v.preemptDelayMs, 0);
  assert.ok(r.diagnostics.some((d) => /down_timer_adverts is incompatible with strict mode/.test(d.message)));
  assert.ok(r.diagnostics.some((d) => /preempt_delay is incompatible with strict mode/.test(d.message)));
});

test('a missing priority or state is derived from the other, as keepalived does', () => {
  const m = check(instance(' state MASTER')).config.instances[0]!;
  assert.deepEqual([m.initialState, m.priority], ['MASTER', 255]);
  const o = check(instance(' priority 255')).config.instances[0]!;
  assert.deepEqual([o.initialState, o.priority], ['MASTER', 255]);
  const b = check(instance('')).config.instances[0]!;
  assert.deepEqual([b.initialState, b.priority], ['BACKUP', 100]);
});

test('VRRPv3 or strict mode without a VIP is an error and the instance is dropped', () => {
  const r = check('vrrp_instance V {\n interface eth0\n virtual_router_id 1\n version 3\n}\n');
  assert.equal(r.config.instances.length, 0);
  assert.ok(r.diagnostics.some((d) => d.severity === 'error' && /at least one is required/.test(d.message)));
});

test('the first VIP decides the family; IPv6 forces version 3; eVIPs may be the other family', () => {
  const r = check('vrrp_instance V6 {\n interface eth0\n virtual_router_id 9\n advert_int 0.25\n virtual_ipaddress {\n  FD00::1/64 dev eth1\n }\n virtual_ipaddress_excluded {\n  10.1.0.1/24\n }\n}\n');
  assert.equal(r.exitStatus, 0, JSON.stringify(r.diagnostics));
  const v = r.config.instances[0]!;
  assert.equal(v.family, 6);
  assert.equal(v.version, 3);
  assert.equal(v.advertIntervalMs, 250);
  assert.equal(v.virtualAddresses[0]!.address, 'fd00::1');
  assert.equal(v.virtualAddresses[0]!.dev, 'eth1');
  assert.equal(v.excludedAddresses[0]!.family, 4);
});

test('VIP options are parsed', () => {
  const r = check(instance('').replace('10.0.0.1/24', '10.0.0.9/24 brd 10.0.0.255 dev eth1 scope link label eth1:x no_track noprefixroute'));
  const a = r.config.instances[0]!.virtualAddresses[0]!;
  assert.deepEqual([a.broadcast, a.dev, a.scope, a.label, a.noTrack, a.noPrefixRoute, a.prefixLength], ['10.0.0.255', 'eth1', 'link', 'eth1:x', true, true, 24]);
  assert.deepEqual(a.where, { file: '/k.conf', line: 6 });
});

test('a track_script may name a vrrp_script defined later: resolved, and flagged for keepalived', () => {
  const r = check(`global_defs {\n enable_script_security\n script_user root\n}\n` +
    instance(' track_script {\n  chk weight -20 reverse\n }') + 'vrrp_script chk {\n script "/usr/bin/check --fast"\n weight 5\n interval 2\n}\n');
  const t = r.config.instances[0]!.tracks[0]!;
  assert.deepEqual([t.kind, t.name, t.weight, t.reverse], ['script', 'chk', -20, true]);
  const flagged = r.diagnostics.find((d) => /defined later/.test(d.message));
  assert.ok(flagged);
  assert.equal(flagged.pos?.line, 9);
  assert.equal(flagged.impact, 'config', 'keepalived -t fails on this file, so must we');
  const s = r.config.scripts[0]!;
  assert.deepEqual(s.script?.argv, ['/usr/bin/check', '--fast']);
  assert.equal(s.intervalMs, 2000);
  assert.equal(s.timeoutMs, 2000, 'timeout defaults to the interval');
});

test('a track entry without weight uses the definition weight', () => {
  const r = check(`global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script chk {\n script /bin/true\n weight 7 reverse\n}\n` + instance(' track_script {\n  chk\n }'));
  const t = r.config.instances[0]!.tracks[0]!;
  assert.deepEqual([t.weight, t.reverse], [7, true]);
  assert.equal(r.exitStatus, 0, JSON.stringify(r.diagnostics));
});

test('an unknown track_script is an error at its line', () => {
  const r = check(instance(' track_script {\n  ghost\n }'));
  const d = r.diagnostics.find((x) => /ghost not found/.test(x.message));
  assert.equal(d?.pos?.line, 5);
  assert.equal(r.exitStatus, 5);
});

test('values out of range are errors at the value, never silent defaults', () => {
  for (const [line, body] of [['virtual_router_id 0', ''], ['priority 0', ' priority 0'], ['priority 256', ' priority 256'], ['advert_int 0', ' advert_int 0']] as const) {
    const r = check(body === '' ? instance('').replace('virtual_router_id 1', 'virtual_router_id 0') : instance(body));
    assert.equal(r.exitStatus, 5, line);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error' && /outside range/.test(d.message)), `${line}: ${JSON.stringify(r.diagnostics)}`);
  }
});

test('priority 255 is accepted for a non-owner, as keepalived does', () => {
  const r = check(instance(' priority 255\n state BACKUP'));
  assert.equal(r.exitStatus, 0);
  assert.equal(r.config.instances[0]!.priority, 255);
});

test('state MASTER with nopreempt warns and keeps preempting', () => {
  const r = check(instance(' state MASTER\n nopreempt'));
  assert.equal(r.config.instances[0]!.preempt, true);
  assert.ok(r.diagnostics.some((d) => /nopreempt will not work/.test(d.message)));
});

test('duplicate VRID on one interface and family is an error; unicast with disjoint peers is not', () => {
  assert.equal(check(instance('') + instance('', 'W', 1).replace('10.0.0.1/24', '10.0.0.2/24')).exitStatus, 5);
  const uni = (name: string, peer: string) => instance(` unicast_peer {\n  ${peer}\n }`, name, 1);
  const r = check(uni('A', '10.0.0.5') + uni('B', '10.0.0.6'));
  assert.equal(r.exitStatus, 0, JSON.stringify(r.diagnostics));
  const v6 = check(instance('') + 'vrrp_instance W {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  fd00::2/64\n }\n}\n');
  assert.equal(v6.exitStatus, 0, 'same VRID on another family is fine');
});

test('scripts without enable_script_security: exit 6, only if keepalived would find the script', () => {
  assert.equal(check(instance(' notify_master /bin/true')).exitStatus, 6);
  assert.equal(check(instance(' notify_master /nonexistent/x')).exitStatus, 0);
  assert.equal(check(instance(' notify_master "</dev/tcp/127.0.0.1/80"')).exitStatus, 0);
});

test('a missing interface is reported at the interface keyword', () => {
  const r = check(instance('').replace('interface eth0', 'interface eth7'));
  const d = r.diagnostics.find((x) => /eth7/.test(x.message));
  assert.equal(d?.pos?.line, 2);
  assert.equal(r.exitStatus, 5);
  assert.equal(check(instance('').replace('interface eth0', 'interface eth7'), null).exitStatus, 0, 'without host facts the check is skipped');
});

test('unknown keywords warn with file:line:col; unsupported ones warn without failing', () => {
  const r = check(instance(' wibble 1\n vrf red'));
  const unknown = r.diagnostics.find((d) => /wibble/.test(d.message));
  assert.deepEqual(unknown?.pos, { file: '/k.conf', line: 4, col: 2 });
  assert.equal(unknown?.impact, 'config');
  const unsupported = r.diagnostics.find((d) => /'vrf' is not supported/.test(d.message));
  assert.equal(unsupported?.impact, 'none');
});

test('LVS sections are skipped with one warning each and do not fail the check', () => {
  const r = check(instance('') + 'virtual_server 10.0.0.1 80 {\n lb_algo rr\n real_server 10.0.0.2 80 {\n  weight 1\n }\n}\nbfd_instance b {\n}\n');
  assert.equal(r.exitStatus, 0);
  assert.equal(r.diagnostics.filter((d) => /out of scope/.test(d.message)).length, 2);
});

test('sync groups attach their members', () => {
  const r = check('vrrp_sync_group G {\n group {\n  V\n  W\n }\n}\n' + instance('') + instance('', 'W', 2));
  assert.deepEqual(r.config.syncGroups[0]!.members, ['V', 'W']);
  assert.deepEqual(r.config.instances.map((i) => i.syncGroup), ['G', 'G']);
});

test('authentication PASS keeps the first 8 characters', () => {
  const r = check(instance(' authentication {\n  auth_type PASS\n  auth_pass 123456789\n }'));
  assert.deepEqual(r.config.instances[0]!.auth, { type: 'pass', password: '12345678' });
});

test('authentication PASS with non-ASCII characters keeps at most 8 bytes (keepalived counts bytes), and the advert encodes', async () => {
  const { encodeAdvert } = await import('../../src/vrrp/packet.ts');
  for (const [pass, kept] of [['ééééé', 'éééé'], ['aéééé', 'aééé'], ['€€€', '€€'], ['abcdefgh', 'abcdefgh']] as const) {
    const r = check(instance(` authentication {\n  auth_type PASS\n  auth_pass ${pass}\n }`));
    const auth = r.config.instances[0]!.auth;
    assert.deepEqual(auth, { type: 'pass', password: kept }, pass);
    // Before: 'ééééé' kept 5 characters (10 bytes) and every advert asserted in encodeAdvert.
    const bytes = encodeAdvert({ version: 2, family: 4, vrid: 1, priority: 100, advertIntervalCs: 100 as never, authType: 1, authData: kept, addresses: ['10.0.0.1'] } as never, { src: '10.0.0.2', dst: '224.0.0.18' });
    assert.equal(bytes.length, 8 + 4 + 8);
  }
});

test('every problem is reported at once', () => {
  const r = check(instance(' priority 0\n foo 1\n track_script {\n  nope\n }').replace('10.0.0.1/24', '10.0.0.999/24'));
  assert.ok(r.diagnostics.length >= 4, JSON.stringify(r.diagnostics.map((d) => d.message)));
});

test('interface lo: refused as keepalived refuses a loopback interface for VRRP, fatal for the daemon', () => {
  // The host's real facts: every network namespace has lo, of type ARPHRD_LOOPBACK.
  const text = 'vrrp_instance V {\n  interface lo\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1/24\n  }\n}\n';
  const r = checkConfig('/k.conf', memoryReader({ '/k.conf': text }), { configId: 'main', env: hostEnv() });
  const loop = r.diagnostics.find((d) => d.message === '(V) cannot use a loopback interface (lo) for vrrp - ignoring');
  assert.ok(loop, r.diagnostics.map((d) => d.message).join('\n'));
  assert.equal(loop.pos?.line, 2);
  // keepalived -t exits 5; its VRRP process then exits with a permanent CONFIG error: the daemon must not start.
  assert.equal(r.exitStatus, 5);
  assert.ok(r.diagnostics.some((d) => d.impact === 'fatal' && d.message === '(V) Unknown interface!'));
  // A VIP or a tracked interface on lo stays allowed, as in keepalived (measured: -t exits 0).
  const withLo: CheckEnv = { ...env, interfaceExists: (n) => n === 'eth0' || n === 'lo', interfaceIsLoopback: (n) => n === 'lo' };
  const fine = check(instance(' track_interface {\n  lo\n }').replace('/24\n', '/24 dev lo\n'), withLo);
  assert.deepEqual(fine.diagnostics.map((d) => d.message), []);
  assert.equal(fine.exitStatus, 0);
});

test('n instances on one VRID give n-1 duplicate reports, not n²/2 (a large config must not cost quadratic memory)', () => {
  const n = 300;
  const text = Array.from({ length: n }, (_, k) => instance('', `V${k}`, 7)).join('');
  const r = check(text);
  assert.equal(r.diagnostics.filter((d) => d.message.includes('both use VRID 7')).length, n - 1);
});

test('a file with a complaint on every line keeps the first 10,000 diagnostics and counts the rest, with their worst impact', () => {
  const text = Array.from({ length: 12_000 }, (_, k) => `frob${k}`).join('\n') + '\n' + instance('').replace('interface eth0', 'interface eth9');
  const r = check(text);
  assert.equal(r.diagnostics.length, 10_001);
  const last = r.diagnostics[10_000]!;
  // 2,000 unknown keywords, then the missing interface (config) and "Non-existent interface" (fatal).
  assert.equal(last.message, '2002 more diagnostics not shown (only the first 10000 are kept)');
  assert.equal(last.impact, 'config');
  assert.equal(r.exitStatus, 5);
});
