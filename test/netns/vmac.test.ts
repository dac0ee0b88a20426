// use_vmac against the real kernel: a private-mode macvlan with the VRRP
// virtual MAC, keepalived's sysctls, a VIP on it, idempotent, removed on stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../lib/lab.ts';
import { NetlinkAgent, AgentCallError } from './fixtures/netlink-client.ts';

let lab: Lab;
let agent: NetlinkAgent;

interface IpLinkD { ifindex: number; ifname: string; address: string; flags: string[]; link?: string; linkinfo?: { info_kind: string; info_data?: { mode: string } } }
const linkD = (name: string): IpLinkD | undefined => {
  const r = lab.tryExec('r1', ['ip', '-j', '-d', 'link', 'show', 'dev', name]);
  return r.status === 0 ? (JSON.parse(r.stdout) as IpLinkD[])[0] : undefined;
};
const sysctl = (key: string): string => lab.exec('r1', ['cat', `/proc/sys/${key}`]).trim();
const addrsOn = (dev: string): { local: string; scope: string }[] =>
  (JSON.parse(lab.exec('r1', ['ip', '-j', 'addr', 'show', 'dev', dev])) as { addr_info: { local: string; scope: string }[] }[])[0]?.addr_info ?? [];

before(async () => {
  lab = Lab.create([{ name: 'r1', ipv4: '10.230.0.1/24', ipv6: 'fd00:230::1/64' }], 'vmc');
  agent = await NetlinkAgent.start(lab, 'r1');
});
after(async () => {
  await agent?.close();
  lab?.cleanup();
});

test('IPv4 VMAC: private macvlan vrrp.<VRID> with 00:00:5e:00:01:VRID, sysctls, a VIP, then removed', async () => {
  lab.exec('r1', ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']);
  const spec = { baseIfname: 'eth0', vrid: 51, family: 4 };
  const v = await agent.call<{ name: string; mac: string; index: number; created: boolean }>('ensureVmac', [spec]);
  assert.deepEqual([v.name, v.mac, v.created], ['vrrp.51', '00:00:5e:00:01:33', true]);
  const l = linkD('vrrp.51')!;
  assert.equal(l.address, '00:00:5e:00:01:33');
  assert.equal(l.linkinfo?.info_kind, 'macvlan');
  assert.equal(l.linkinfo?.info_data?.mode, 'private');
  assert.equal(l.link, 'eth0');
  assert.ok(l.flags.includes('UP'));
  assert.equal(l.ifindex, v.index);
  assert.equal(sysctl('net/ipv4/conf/vrrp.51/arp_ignore'), '1');
  assert.equal(sysctl('net/ipv4/conf/vrrp.51/accept_local'), '1');
  assert.equal(sysctl('net/ipv4/conf/vrrp.51/rp_filter'), '0');
  assert.equal(sysctl('net/ipv4/conf/vrrp.51/promote_secondaries'), '1');
  assert.equal(sysctl('net/ipv6/conf/vrrp.51/disable_ipv6'), '1');
  assert.equal(sysctl('net/ipv4/conf/eth0/arp_ignore'), '1');
  assert.equal(sysctl('net/ipv4/conf/eth0/arp_filter'), '1');
  assert.equal(sysctl('net/ipv4/conf/all/rp_filter'), '0');
  assert.equal(sysctl('net/ipv4/conf/eth0/rp_filter'), '1', 'all.rp_filter pushed down to the other interfaces');

  const vip = { address: '10.230.0.100', family: 4, prefixLength: 24, dev: 'vrrp.51' };
  assert.equal(await agent.call('addVip', [vip]), 'added');
  assert.ok(addrsOn('vrrp.51').some((a) => a.local === '10.230.0.100'));

  // Restart: the same VMAC is found and reused, not recreated.
  const again = await agent.call<{ index: number; created: boolean }>('ensureVmac', [spec]);
  assert.deepEqual([again.index, again.created], [v.index, false]);

  assert.equal(await agent.call('removeVmac', [spec]), 'removed');
  assert.equal(linkD('vrrp.51'), undefined);
  assert.equal(sysctl('net/ipv4/conf/eth0/arp_ignore'), '0', 'base restored after its last VMAC');
  assert.equal(sysctl('net/ipv4/conf/eth0/arp_filter'), '0');
  assert.equal(await agent.call('removeVmac', [spec]), 'absent');
  await agent.call('closeVmacs');
  assert.equal(sysctl('net/ipv4/conf/all/rp_filter'), '1', 'all.rp_filter restored on close');
});

test('IPv6 VMAC: 00:00:5e:00:02:VRID, no EUI-64 address, the base link-local copied', async () => {
  const spec = { baseIfname: 'eth0', vrid: 7, family: 6, name: 'vk6mac' };
  const v = await agent.call<{ name: string; mac: string }>('ensureVmac', [spec]);
  assert.deepEqual([v.name, v.mac], ['vk6mac', '00:00:5e:00:02:07']);
  const baseLl = addrsOn('eth0').find((a) => a.scope === 'link')!.local;
  const ll = addrsOn('vk6mac').filter((a) => a.scope === 'link').map((a) => a.local);
  assert.deepEqual(ll, [baseLl], 'only the base link-local, no address made from the virtual MAC');
  assert.equal(sysctl('net/ipv6/conf/vk6mac/addr_gen_mode'), '1');
  assert.equal(sysctl('net/ipv4/conf/vk6mac/arp_ignore'), '1');
  const vip = { address: 'fd00:230::100', family: 6, prefixLength: 64, dev: 'vk6mac' };
  assert.equal(await agent.call('addVip', [vip]), 'added');
  assert.equal(await agent.call('removeVmac', [spec]), 'removed');
  assert.equal(linkD('vk6mac'), undefined);
});

test('a VMAC left with the wrong MAC or mode is fixed in place', async () => {
  lab.exec('r1', ['ip', 'link', 'add', 'vrrp.9', 'link', 'eth0', 'address', '02:00:00:00:00:09', 'type', 'macvlan', 'mode', 'bridge']);
  const ix = linkD('vrrp.9')!.ifindex;
  const v = await agent.call<{ index: number; created: boolean }>('ensureVmac', [{ baseIfname: 'eth0', vrid: 9, family: 4 }]);
  assert.deepEqual([v.index, v.created], [ix, false]);
  const l = linkD('vrrp.9')!;
  assert.equal(l.address, '00:00:5e:00:01:09');
  assert.equal(l.linkinfo?.info_data?.mode, 'private');
  await agent.call('removeVmac', [{ baseIfname: 'eth0', vrid: 9, family: 4 }]);
  await agent.call('closeVmacs');
});

test('a name taken by a non-macvlan is refused, and the interface left alone', async () => {
  lab.exec('r1', ['ip', 'link', 'add', 'vrrp.10', 'type', 'veth', 'peer', 'name', 'vkpeer10']);
  await assert.rejects(agent.call('ensureVmac', [{ baseIfname: 'eth0', vrid: 10, family: 4 }]), (e: unknown) =>
    e instanceof AgentCallError && e.detail.code === 'VIPKEEPER_ERR_NETLINK' && e.detail.errnoCode === 'EEXIST');
  await assert.rejects(agent.call('removeVmac', [{ baseIfname: 'eth0', vrid: 10, family: 6 }]), (e: unknown) =>
    e instanceof AgentCallError && e.detail.errnoCode === 'EPERM');
  assert.equal(linkD('vrrp.10')?.linkinfo?.info_kind, 'veth');
  await assert.rejects(agent.call('ensureVmac', [{ baseIfname: 'nosuch0', vrid: 11, family: 4 }]), (e: unknown) =>
    e instanceof AgentCallError && e.detail.errnoCode === 'ENODEV');
});
