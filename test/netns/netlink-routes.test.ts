// virtual_routes and virtual_rules through netlink, checked with `ip route` / `ip rule`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../lib/lab.ts';
import { NetlinkAgent, AgentCallError } from './fixtures/netlink-client.ts';

let lab: Lab;
let agent: NetlinkAgent;

const routes = (...sel: string[]): { dst: string; gateway?: string; dev?: string; prefsrc?: string; metric?: number; type?: string; protocol?: string; scope?: string; flags: string[] }[] =>
  JSON.parse(lab.exec('r1', ['ip', '-j', 'route', 'show', ...sel]));
const rules = (family = '-4'): { priority: number; src?: string; srclen?: number; dst?: string; dstlen?: number; table?: string; action?: string; iif?: string; fwmark?: string; fwmask?: string; not?: null; protocol?: string }[] =>
  JSON.parse(lab.exec('r1', ['ip', '-j', family, 'rule', 'show']));

before(async () => {
  lab = Lab.create([{ name: 'r1', ipv4: '10.240.0.1/24', ipv6: 'fd00:240::1/64' }], 'rte');
  lab.exec('r1', ['ip', 'addr', 'add', '10.240.0.100/32', 'dev', 'eth0']); // a "VIP" to use as src
  agent = await NetlinkAgent.start(lab, 'r1');
});
after(async () => {
  await agent?.close();
  lab?.cleanup();
});

test('route via a gateway with src, metric, in a numbered table; idempotent', async () => {
  const words = ['src', '10.240.0.100', 'to', '10.99.0.0/16', 'via', '10.240.0.254', 'dev', 'eth0', 'metric', '50', 'table', '100'];
  assert.equal(await agent.call('addRoute', [words]), 'added');
  assert.equal(await agent.call('addRoute', [words]), 'present');
  const r = routes('table', '100').find((x) => x.dst === '10.99.0.0/16');
  assert.ok(r, 'route in table 100');
  assert.deepEqual([r.gateway, r.dev, r.prefsrc, r.metric, r.protocol], ['10.240.0.254', 'eth0', '10.240.0.100', 50, 'keepalived']);
  assert.equal(await agent.call('removeRoute', [words]), 'removed');
  assert.equal(routes('table', '100').length, 0);
  assert.equal(await agent.call('removeRoute', [words]), 'absent');
});

test('default route, a blackhole, a dev-only route with scope link, an IPv6 route, and a table > 255', async () => {
  const lines = [
    ['default', 'via', '10.240.0.254', 'table', '300'],
    ['blackhole', '10.98.0.0/24'],
    ['10.97.0.0/24', 'dev', 'eth0', 'scope', 'link'],
    ['fd00:97::/64', 'via', 'fd00:240::fe', 'dev', 'eth0'],
  ];
  for (const w of lines) assert.equal(await agent.call('addRoute', [w]), 'added', w.join(' '));
  assert.equal(routes('table', '300').find((x) => x.dst === 'default')?.gateway, '10.240.0.254');
  assert.equal(routes().find((x) => x.dst === '10.98.0.0/24')?.type, 'blackhole');
  assert.equal(routes().find((x) => x.dst === '10.97.0.0/24')?.scope, 'link');
  assert.ok((JSON.parse(lab.exec('r1', ['ip', '-j', '-6', 'route', 'show'])) as { dst: string }[]).some((x) => x.dst === 'fd00:97::/64'));
  for (const w of lines) assert.equal(await agent.call('removeRoute', [w]), 'removed', w.join(' '));
  assert.equal(routes('table', '300').length, 0);
  assert.ok(!routes().some((x) => x.dst === '10.98.0.0/24' || x.dst === '10.97.0.0/24'));
});

test('rules: from/to/table/priority, iif, fwmark/mask, not, blackhole; idempotent', async () => {
  const lines = [
    ['from', '10.240.0.100', 'table', '100', 'priority', '1000'],
    ['from', '10.1.0.0/16', 'to', '10.2.0.0/16', 'table', '101', 'pref', '1001'],
    ['iif', 'eth0', 'fwmark', '0x2/0xff', 'table', '102', 'priority', '1002'],
    ['not', 'from', '10.3.0.0/16', 'table', '103', 'priority', '1003'],
    ['from', '10.4.0.0/16', 'blackhole', 'priority', '1004'],
  ];
  for (const w of lines) assert.equal(await agent.call('addRule', [w]), 'added', w.join(' '));
  assert.equal(await agent.call('addRule', [lines[0]]), 'present');
  const got = new Map(rules().map((r) => [r.priority, r]));
  assert.deepEqual([got.get(1000)?.src, got.get(1000)?.table, got.get(1000)?.protocol], ['10.240.0.100', '100', 'keepalived']);
  assert.deepEqual([got.get(1001)?.src, got.get(1001)?.srclen, got.get(1001)?.dst, got.get(1001)?.table], ['10.1.0.0', 16, '10.2.0.0', '101']);
  assert.deepEqual([got.get(1002)?.iif, got.get(1002)?.fwmark, got.get(1002)?.fwmask, got.get(1002)?.table], ['eth0', '0x2', '0xff', '102']);
  assert.ok(got.get(1003) && 'not' in got.get(1003)!);
  assert.equal(got.get(1004)?.action, 'blackhole');
  assert.equal(rules().filter((r) => r.priority === 1000).length, 1, 'no duplicate rule');
  for (const w of lines) assert.equal(await agent.call('removeRule', [w]), 'removed', w.join(' '));
  assert.ok(!rules().some((r) => r.priority >= 1000 && r.priority <= 1004));
  assert.equal(await agent.call('removeRule', [lines[0]]), 'absent');
});

test('an IPv6 rule', async () => {
  const w = ['from', 'fd00:240::/64', 'table', '200', 'priority', '2000'];
  assert.equal(await agent.call('addRule', [w]), 'added');
  assert.ok(rules('-6').some((r) => r.priority === 2000 && r.src === 'fd00:240::' && r.table === '200'));
  assert.equal(await agent.call('removeRule', [w]), 'removed');
});

test('errors: unknown device is ENODEV; unsupported words are config errors', async () => {
  await assert.rejects(agent.call('addRoute', [['10.96.0.0/24', 'dev', 'nosuch0']]), (e: unknown) =>
    e instanceof AgentCallError && e.detail.code === 'VIPKEEPER_ERR_NETLINK' && e.detail.errnoCode === 'ENODEV');
  await assert.rejects(agent.call('addRoute', [['10.96.0.0/24', 'via', '10.9.9.9', 'or', '10.9.9.8']]), (e: unknown) =>
    e instanceof AgentCallError && e.detail.code === 'VIPKEEPER_ERR_CONFIG');
  // An unreachable gateway: the kernel's own refusal, with its errno.
  await assert.rejects(agent.call('addRoute', [['10.96.0.0/24', 'via', '10.55.0.1']]), (e: unknown) =>
    e instanceof AgentCallError && e.detail.code === 'VIPKEEPER_ERR_NETLINK' && e.detail.errnoCode === 'ENETUNREACH');
});
