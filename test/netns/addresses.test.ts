// VIPs through netlink against the real kernel, checked with `ip -j addr`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Lab, waitFor } from '../lib/lab.ts';
import { NetlinkAgent, AgentCallError } from './fixtures/netlink-client.ts';

let lab: Lab;
let agent: NetlinkAgent;

interface IpAddr { local: string; prefixlen: number; family: string; label?: string; broadcast?: string; scope: string; nodad?: boolean; noprefixroute?: boolean; home?: boolean; mngtmpaddr?: boolean; deprecated?: boolean; preferred_life_time?: number; address?: string }
const addrs = (dev = 'eth0'): IpAddr[] => {
  const j = JSON.parse(lab.exec('r1', ['ip', '-j', 'addr', 'show', 'dev', dev])) as { addr_info: IpAddr[] }[];
  return j[0]?.addr_info ?? [];
};
const find = (local: string, dev = 'eth0'): IpAddr | undefined => addrs(dev).find((a) => a.local === local);

before(async () => {
  lab = Lab.create([{ name: 'r1', ipv4: '10.210.0.1/24', ipv6: 'fd00:210::1/64' }], 'adr');
  agent = await NetlinkAgent.start(lab, 'r1');
});
after(async () => {
  await agent?.close();
  lab?.cleanup();
});

test('IPv4 VIP with label, broadcast and scope is added, then removed', async () => {
  // Its own subnet: the kernel refuses a secondary whose scope differs from the primary's (EINVAL).
  const spec = { address: '10.214.0.100', family: 4, prefixLength: 24, dev: 'eth0', label: 'eth0:vip', broadcast: '+', scope: 'link' };
  assert.equal(await agent.call('addVip', [spec]), 'added');
  const a = find('10.214.0.100');
  assert.ok(a, 'address present');
  assert.equal(a.prefixlen, 24);
  assert.equal(a.label, 'eth0:vip');
  assert.equal(a.broadcast, '10.214.0.255');
  assert.equal(a.scope, 'link');
  assert.equal(await agent.call('removeVip', [spec]), 'removed');
  assert.equal(find('10.214.0.100'), undefined);
});

test('IPv4 VIP with explicit broadcast and noprefixroute; no route is created for it', async () => {
  const spec = { address: '10.211.0.5', family: 4, prefixLength: 24, dev: 'eth0', broadcast: '10.211.0.127', noPrefixRoute: true };
  await agent.call('addVip', [spec]);
  const a = find('10.211.0.5');
  assert.equal(a?.broadcast, '10.211.0.127');
  assert.equal(a?.noprefixroute, true);
  assert.doesNotMatch(lab.exec('r1', ['ip', 'route', 'show', 'table', 'main']), /10\.211\.0\.0\/24/);
  await agent.call('removeVip', [spec]);
  assert.equal(find('10.211.0.5'), undefined);
});

test('IPv6 VIP gets nodad by default and is deprecated as a /128 (keepalived defaults)', async () => {
  const spec = { address: 'fd00:210::100', family: 6, prefixLength: 128, dev: 'eth0' };
  assert.equal(await agent.call('addVip', [spec]), 'added');
  const a = find('fd00:210::100');
  assert.ok(a);
  assert.equal(a.nodad, true);
  assert.equal(a.preferred_life_time, 0);
  assert.equal(await agent.call('removeVip', [spec]), 'removed');
  assert.equal(find('fd00:210::100'), undefined);
});

test('IPv6 VIP with -nodad, noprefixroute, home and preferred_lft forever', async () => {
  const spec = { address: 'fd00:212::7', family: 6, prefixLength: 64, dev: 'eth0', noDad: true, noPrefixRoute: true, home: true, mngTmpAddr: true, preferredLft: 'forever' };
  await agent.call('addVip', [spec]);
  const a = find('fd00:212::7');
  assert.ok(a);
  assert.notEqual(a.nodad, true);
  assert.equal(a.noprefixroute, true);
  assert.equal(a.home, true);
  assert.equal(a.mngtmpaddr, true);
  assert.notEqual(a.deprecated, true);
  await agent.call('removeVip', [spec]);
});

test('IPv4 VIP with a peer (point-to-point form)', async () => {
  const spec = { address: '10.213.0.1', family: 4, prefixLength: 32, dev: 'eth0', peer: '10.213.0.2' };
  await agent.call('addVip', [spec]);
  assert.equal(find('10.213.0.1')?.address, '10.213.0.2');
  assert.equal(await agent.call('removeVip', [spec]), 'removed');
  assert.equal(find('10.213.0.1'), undefined);
});

test('add and remove are idempotent', async () => {
  const spec = { address: '10.210.0.101', family: 4, prefixLength: 32, dev: 'eth0' };
  assert.equal(await agent.call('addVip', [spec]), 'added');
  assert.equal(await agent.call('addVip', [spec]), 'present');
  assert.equal(addrs().filter((a) => a.local === '10.210.0.101').length, 1);
  assert.equal(await agent.call('removeVip', [spec]), 'removed');
  assert.equal(await agent.call('removeVip', [spec]), 'absent');
  const v6 = { address: 'fd00:210::101', family: 6, prefixLength: 64, dev: 'eth0' };
  assert.equal(await agent.call('addVip', [v6]), 'added');
  assert.equal(await agent.call('addVip', [v6]), 'present');
  assert.equal(await agent.call('removeVip', [v6]), 'removed');
  assert.equal(await agent.call('removeVip', [v6]), 'absent');
});

test('listAddresses reports what ip shows', async () => {
  const list = await agent.call<{ address: string; prefixLen: number; family: number }[]>('listAddresses', ['eth0']);
  const fromIp = addrs().map((a) => `${a.local}/${a.prefixlen}`).sort();
  assert.deepEqual(list.map((a) => `${a.address}/${a.prefixLen}`).sort(), fromIp);
  const v4 = await agent.call<{ family: number }[]>('listAddresses', ['eth0', 4]);
  assert.ok(v4.length >= 1 && v4.every((a) => a.family === 4));
});

test('a VIP removed by hand is reported; one we untracked is not', async () => {
  const a = { address: '10.210.0.120', family: 4, prefixLength: 32, dev: 'eth0' };
  const b = { address: 'fd00:210::120', family: 6, prefixLength: 128, dev: 'eth0' };
  const c = { address: '10.210.0.121', family: 4, prefixLength: 32, dev: 'eth0' };
  for (const s of [a, b, c]) { await agent.call('addVip', [s]); await agent.call('watch', [s]); }
  await agent.call('unwatch', [c]);
  const since = agent.events.length;
  lab.exec('r1', ['ip', 'addr', 'del', '10.210.0.121/32', 'dev', 'eth0']);
  lab.exec('r1', ['ip', 'addr', 'del', '10.210.0.120/32', 'dev', 'eth0']);
  lab.exec('r1', ['ip', '-6', 'addr', 'del', 'fd00:210::120/128', 'dev', 'eth0']);
  const ev4 = await agent.waitEvent('vipRemoved v4', (e) => e.event === 'vipRemoved' && e.spec.address === a.address, 5000, since);
  assert.equal(ev4.index, (await agent.call('link', ['eth0'])).index);
  await agent.waitEvent('vipRemoved v6', (e) => e.event === 'vipRemoved' && e.spec.address === b.address, 5000, since);
  // c was untracked before it went: by the time the two later removals arrived, it would have been reported.
  assert.equal(agent.events.slice(since).filter((e) => e.event === 'vipRemoved' && e.spec.address === c.address).length, 0);
  await agent.call('unwatch', [a]);
  await agent.call('unwatch', [b]);
});

test('start-up cleanup removes our VIPs left behind and only those', async () => {
  lab.exec('r1', ['ip', 'addr', 'add', '10.210.0.130/32', 'dev', 'eth0']);
  lab.exec('r1', ['ip', 'addr', 'add', '10.210.0.131/32', 'dev', 'eth0']);
  const ours = [
    { address: '10.210.0.130', family: 4, prefixLength: 32, dev: 'eth0' },
    { address: '10.210.0.132', family: 4, prefixLength: 32, dev: 'eth0' }, // not present
    { address: '10.210.0.133', family: 4, prefixLength: 32, dev: 'nosuch0' }, // no such link
  ];
  const removed = await agent.call<{ address: string }[]>('cleanupStale', [ours]);
  assert.deepEqual(removed.map((s) => s.address), ['10.210.0.130']);
  assert.equal(find('10.210.0.130'), undefined);
  assert.ok(find('10.210.0.131'), 'someone else\'s address is left alone');
});

test('errors are VipkeeperError-shaped with an errno code', async () => {
  await assert.rejects(agent.call('addVip', [{ address: '10.210.0.140', family: 4, prefixLength: 32, dev: 'nosuch0' }]), (e: unknown) => {
    assert.ok(e instanceof AgentCallError);
    assert.equal(e.detail.code, 'VIPKEEPER_ERR_NETLINK');
    assert.equal(e.detail.errnoCode, 'ENODEV');
    return true;
  });
  // The kernel's own refusal: an IPv4 broadcast on a /32 peer form is fine, but prefix 33 is EINVAL from the kernel.
  await assert.rejects(agent.call('addVip', [{ address: '10.210.0.141', family: 4, prefixLength: 33, dev: 'eth0' }]), (e: unknown) => {
    assert.ok(e instanceof AgentCallError);
    assert.equal(e.detail.code, 'VIPKEEPER_ERR_NETLINK');
    assert.equal(e.detail.errnoCode, 'EINVAL');
    assert.equal(e.detail.syscall, 'RTM_NEWADDR');
    assert.ok(typeof e.detail.errno === 'number' && e.detail.errno < 0);
    return true;
  });
  assert.equal(await waitFor('agent still answers', async () => true), true);
});
