// Links from netlink against the real kernel: the table matches `ip -j link`,
// and up/down/added/removed/changed arrive as events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../lib/lab.ts';
import { NetlinkAgent } from './fixtures/netlink-client.ts';

let lab: Lab;
let agent: NetlinkAgent;

interface IpLink { ifindex: number; ifname: string; address: string; mtu: number; flags: string[]; operstate: string }
const ipLinks = (): IpLink[] => JSON.parse(lab.exec('r1', ['ip', '-j', 'link', 'show'])) as IpLink[];
const ipLink = (name: string): IpLink => ipLinks().find((l) => l.ifname === name)!;

before(async () => {
  lab = Lab.create([{ name: 'r1', ipv4: '10.220.0.1/24', ipv6: 'fd00:220::1/64' }], 'lnk');
  agent = await NetlinkAgent.start(lab, 'r1');
});
after(async () => {
  await agent?.close();
  lab?.cleanup();
});

test('the link table matches ip link', async () => {
  const ours = await agent.call<{ index: number; name: string; mac: string; mtu: number; adminUp: boolean; operUp: boolean }[]>('links');
  const theirs = ipLinks();
  assert.deepEqual(ours.map((l) => [l.index, l.name, l.mtu]).sort(), theirs.map((l) => [l.ifindex, l.ifname, l.mtu]).sort());
  const eth0 = ours.find((l) => l.name === 'eth0')!;
  assert.equal(eth0.mac, ipLink('eth0').address);
  assert.equal(eth0.adminUp, true);
  assert.equal(eth0.operUp, ipLink('eth0').operstate === 'UP');
});

test('facts: primary IPv4 and IPv6 link-local of an interface', async () => {
  lab.exec('r1', ['ip', 'addr', 'add', '10.220.0.50/24', 'dev', 'eth0']); // a secondary: not the primary
  const f = await agent.call<{ index: number; primaryIpv4: string; linkLocalIpv6: string; up: boolean }>('facts', ['eth0']);
  assert.equal(f.primaryIpv4, '10.220.0.1');
  const infos = (JSON.parse(lab.exec('r1', ['ip', '-j', 'addr', 'show', 'dev', 'eth0'])) as { addr_info: { local: string; scope: string }[] }[])[0]!.addr_info;
  const ll = infos.find((a) => a.scope === 'link' && a.local.startsWith('fe80:'))?.local;
  assert.ok(ll, 'eth0 has a link-local address');
  assert.equal(f.linkLocalIpv6, ll);
  assert.equal(f.index, ipLink('eth0').ifindex);
  assert.equal(f.up, true);
  assert.equal(await agent.call('facts', ['nosuch0']), null);
});

test('admin down and up are events, and match ip link', async () => {
  let since = agent.events.length;
  lab.setLink('r1', false);
  const down = await agent.waitEvent('down', (e) => e.type === 'down' && e.link.name === 'eth0', 5000, since);
  assert.equal(down.link.adminUp, false);
  assert.ok(!ipLink('eth0').flags.includes('UP'));
  assert.equal((await agent.call('link', ['eth0'])).adminUp, false);
  since = agent.events.length;
  lab.setLink('r1', true);
  const up = await agent.waitEvent('up', (e) => e.type === 'up' && e.link.name === 'eth0', 5000, since);
  assert.equal(up.link.adminUp && up.link.operUp, true);
  assert.ok(ipLink('eth0').flags.includes('UP'));
});

test('carrier loss (peer side down) is a down event with admin still up', async () => {
  let since = agent.events.length;
  lab.setLink('r1', false, 'bridge');
  const down = await agent.waitEvent('carrier down', (e) => e.type === 'down' && e.link.name === 'eth0', 5000, since);
  assert.equal(down.link.adminUp, true);
  assert.equal(down.link.operUp, false);
  assert.ok(ipLink('eth0').flags.includes('NO-CARRIER'));
  since = agent.events.length;
  lab.setLink('r1', true, 'bridge');
  await agent.waitEvent('carrier up', (e) => e.type === 'up' && e.link.name === 'eth0', 5000, since);
});

test('a link that appears later is reported, and its removal too', async () => {
  const since = agent.events.length;
  lab.exec('r1', ['ip', 'link', 'add', 'late0', 'type', 'veth', 'peer', 'name', 'late1']);
  const added = await agent.waitEvent('added', (e) => e.type === 'added' && e.link.name === 'late0', 5000, since);
  assert.equal(added.link.index, ipLink('late0').ifindex);
  assert.equal(added.link.kind, 'veth');
  lab.exec('r1', ['ip', 'link', 'set', 'late0', 'up']);
  lab.exec('r1', ['ip', 'link', 'set', 'late1', 'up']);
  await agent.waitEvent('late0 up', (e) => e.type === 'up' && e.link.name === 'late0', 5000, since);
  lab.exec('r1', ['ip', 'link', 'set', 'late0', 'mtu', '1400']);
  const changed = await agent.waitEvent('mtu changed', (e) => e.type === 'changed' && e.link.name === 'late0' && e.link.mtu === 1400, 5000, since);
  assert.equal(changed.link.mtu, ipLink('late0').mtu);
  lab.exec('r1', ['ip', 'link', 'del', 'late0']);
  await agent.waitEvent('removed', (e) => e.type === 'removed' && e.link.name === 'late0', 5000, since);
  await agent.waitEvent('peer removed', (e) => e.type === 'removed' && e.link.name === 'late1', 5000, since);
  assert.equal(await agent.call('link', ['late0']), null);
});
