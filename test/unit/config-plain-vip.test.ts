// Plain VIP lines (`A.B.C.D[/N]` alone on a line in a VIP block) go from the
// cut line straight to the model (TreeBuilder.pushPlain, plainV4Vip); every
// other line takes the general path. Both must give the same config and the
// same diagnostics, in the same order, at the same positions: checked here on
// many random files mixing lines the fast path takes with lines that must fall
// back (options after the address, IPv6, bad octets and prefixes, comments,
// trailing blanks, CRLF, braces, $NAME and @id lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/check.ts';
import { memoryReader } from '../../src/config/source.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const OCTETS = ['0', '1', '9', '10', '99', '100', '199', '200', '249', '250', '255', '256', '300', '01', '00', '999', '1000', ''];
const PREFIXES = ['', '', '', '/32', '/24', '/0', '/8', '/33', '/032', '/1', '/', '/1234', '/3a', '//8', '/-1', '/+8'];
const TAILS = ['', '', '', '', ' ', '\t', '  ', ' # c', '#c', ' ! c', ' dev eth0', ' no_track', ' label eth0:1', ' frob', ' brd +',
  ' }', '}', ' {', '\\', '\r'];
const LEADS = ['    ', '\t', '', ' \t '];
const ODD = ['fd00::1', 'fd00::2/64', '::ffff:10.0.0.1', '10.0.0.1.2', '10.0.0', '1.2.3.4/32/1', '10.0.0.1x', '$V', '${V}', '@other 10.0.0.7',
  '@^other 10.0.0.8', '{', '}', '', '# only a comment', '10.0.0.5 {', '10.0.0.6 }', '"10.0.0.9"', '10.0.0.1\\', '0.0.0.0', '255.255.255.255/32'];

function vipLine(r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  if (r() < 0.1) return pick(LEADS) + pick(ODD);
  const good = () => String(Math.floor(r() * 256));
  const oct = () => (r() < 0.85 ? good() : pick(OCTETS));
  return pick(LEADS) + `${oct()}.${oct()}.${oct()}.${oct()}` + pick(PREFIXES) + (r() < 0.7 ? '' : pick(TAILS));
}

function randomFile(seed: number): string {
  const r = rng(seed);
  const out: string[] = ['$V=10.9.9.9'];
  const blocks = ['virtual_ipaddress', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'virtual_routes'];
  const instances = 1 + Math.floor(r() * 3);
  for (let i = 0; i < instances; i++) {
    out.push(`vrrp_instance VI_${i} {`, '  state BACKUP', '  interface lo', `  virtual_router_id ${i + 1}`, '  priority 100');
    for (let b = 0; b < 1 + Math.floor(r() * 3); b++) {
      out.push(`  ${blocks[Math.floor(r() * blocks.length)]} {`);
      for (let k = 0; k < 5 + Math.floor(r() * 40); k++) out.push(vipLine(r));
      out.push('  }');
    }
    out.push('}');
  }
  if (r() < 0.5) {
    out.push('static_ipaddress {');
    for (let k = 0; k < 20; k++) out.push(vipLine(r) + (r() < 0.5 ? ' dev lo' : ''));
    out.push('}');
  }
  // Sometimes a block left open at the end of the file (its last line is then pending at finish()).
  if (r() < 0.2) out.push('vrrp_instance OPEN {', '  virtual_ipaddress {', vipLine(r), '10.0.0.77');
  return out.join(r() < 0.3 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
}

function run(text: string, plainLines: boolean) {
  const res = checkConfig('/c.conf', memoryReader({ '/c.conf': text }), { configId: 'me', env: null, plainLines });
  return { config: JSON.parse(JSON.stringify(res.config)), diagnostics: res.diagnostics, exitStatus: res.exitStatus };
}

test('plain VIP lines: the fast path gives the general path\'s config and diagnostics on random files', () => {
  let taken = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const text = randomFile(seed);
    const fast = run(text, true);
    const general = run(text, false);
    assert.deepEqual(fast, general, `seed ${seed}:\n${text}`);
    for (const i of fast.config.instances as { virtualAddresses: unknown[]; excludedAddresses: unknown[] }[]) taken += i.virtualAddresses.length + i.excludedAddresses.length;
  }
  assert.ok(taken > 1000, `the random files hold VIPs the fast path takes (${taken})`);
});

test('plain VIP lines: hand-picked edges', () => {
  const cases = [
    'vrrp_instance A {\n virtual_ipaddress {\n  10.0.0.1\n  {\n  }\n  10.0.0.2/24\n }\n}\n',
    'vrrp_instance A {\n virtual_ipaddress {\n  fd00::1\n  10.0.0.1\n  10.0.0.2\n }\n virtual_ipaddress_excluded {\n  10.0.0.3\n }\n}\n',
    'vrrp_instance A {\n virtual_ipaddress {\n  10.0.0.1/33\n  10.0.0.256\n  10.0.0.1/032\n  10.0.0.01\n }\n}\n',
    'vrrp_instance A {\n virtual_ipaddress {\n  10.0.0.1\r\n  10.0.0.2  \r\n }\n}\n',
    'vrrp_instance A {\n virtual_ipaddress {\n  10.0.0.1\n',
    'static_ipaddress {\n 10.0.0.1\n 10.0.0.2/8\n}\nvirtual_server_group X {\n 10.0.0.1\n}\n',
    'vrrp_instance A {\n virtual_routes {\n  10.0.0.0/8\n }\n track_interface {\n  10.0.0.1\n }\n}\n10.0.0.1\n',
  ];
  for (const text of cases) assert.deepEqual(run(text, true), run(text, false), text);
});
