// The mapping from keepalived.conf to the core's InstanceConfig: source
// address, tracker ids and kinds (track_file is a value tracker), sync-group
// trackers, VMAC names, multicast group, and the config's garp timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/check.ts';
import { memoryReader } from '../../src/config/source.ts';
import { assembleInstance, assembleSyncGroups, sourceAddress } from '../../src/daemon/assemble.ts';
import type { LinkFacts } from '../../src/net/links.ts';

const FACTS: LinkFacts = { index: 2, mac: '02:00:00:00:00:01', up: true, primaryIpv4: '10.0.0.1', linkLocalIpv6: 'fe80::1' };

function parse(text: string) {
  const r = checkConfig('/etc/keepalived/keepalived.conf', memoryReader({ '/etc/keepalived/keepalived.conf': text }), { configId: null, env: null });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the fixture config must be valid');
  return r.config;
}

const CONF = `
global_defs {
  vrrp_garp_master_delay 2
  vrrp_garp_master_repeat 3
}
vrrp_script chk_haproxy {
  script "/bin/true"
  interval 2
  weight -10
}
vrrp_track_file tf {
  file /run/prio
  weight 2
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_6
  }
  track_interface {
    eth9 weight 5
  }
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  track_script {
    chk_haproxy
  }
  track_file {
    tf weight 3 reverse
  }
  virtual_ipaddress {
    10.0.0.100/24
  }
}
vrrp_instance VI_6 {
  interface eth0
  virtual_router_id 52
  priority 90
  use_vmac
  virtual_ipaddress {
    fd00::100/64
  }
}
`;

test('a v2 IPv4 instance takes the interface\'s primary address, the global garp timings and its trackers', () => {
  const config = parse(CONF);
  const vi1 = config.instances.find((i) => i.name === 'VI_1')!;
  const a = assembleInstance(vi1, config, FACTS);
  assert.equal(a.core.primaryAddress, '10.0.0.1');
  assert.equal(a.core.family, 4);
  assert.equal(a.core.version, 2);
  assert.equal(a.core.advertIntervalMs, 1000);
  assert.equal(a.core.initialState, 'MASTER');
  assert.deepEqual(a.core.advertAddresses, ['10.0.0.100']);
  assert.equal(a.core.garp.masterDelayMs, 2000);
  assert.equal(a.core.garp.masterRepeat, 3);
  assert.equal(a.mcastGroup, '224.0.0.18');
  assert.equal(a.ifname, 'eth0');
  assert.deepEqual(a.core.trackers, [
    { id: 'script:chk_haproxy', weight: -10, reverse: false, kind: 'state' },
    { id: 'file:tf', weight: 3, reverse: true, kind: 'value' },
    { id: 'interface:eth9', weight: 5, reverse: false, kind: 'state' },
  ]);
  assert.equal(a.core.syncGroup, 'G1');
  assert.deepEqual(assembleSyncGroups(config), [{ name: 'G1', members: ['VI_1', 'VI_6'] }]);
});

test('an IPv6 instance advertises from the link-local address; use_vmac sends on vrrp.<VRID>', () => {
  const config = parse(CONF);
  const vi6 = config.instances.find((i) => i.name === 'VI_6')!;
  const a = assembleInstance(vi6, config, FACTS);
  assert.equal(a.core.family, 6);
  assert.equal(a.core.version, 3, 'IPv6 means VRRPv3');
  assert.equal(a.core.primaryAddress, 'fe80::1');
  assert.equal(a.ifname, 'vrrp.52');
  assert.equal(a.baseIfname, 'eth0');
  assert.equal(a.core.ifname, 'vrrp.52');
  assert.equal(a.mcastGroup, 'ff02::12');
});

test('unicast_src_ip and mcast_src_ip win over the interface address; no facts and no override gives null', () => {
  const config = parse(CONF.replace('  priority 100\n', '  priority 100\n  unicast_src_ip 10.0.0.7\n  unicast_peer {\n    10.0.0.8\n  }\n'));
  const vi1 = config.instances.find((i) => i.name === 'VI_1')!;
  assert.equal(sourceAddress(vi1, FACTS), '10.0.0.7');
  const a = assembleInstance(vi1, config, FACTS);
  assert.deepEqual(a.core.unicastPeers, ['10.0.0.8']);
  const plain = parse(CONF).instances.find((i) => i.name === 'VI_1')!;
  assert.equal(sourceAddress(plain, undefined), null);
  assert.equal(assembleInstance(plain, parse(CONF), undefined).core.primaryAddress, '0.0.0.0');
});
