// Routing a received advert at the edge: the instance's name (the VMAC's with
// use_vmac) and the per-peer unicast TTL range (unicast_peer min_ttl/max_ttl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/check.ts';
import { memoryReader } from '../../src/config/source.ts';
import { assembleInstance } from '../../src/daemon/assemble.ts';
import { ReceiveRoutes } from '../../src/daemon/receive-route.ts';

const CONF = `
vrrp_instance U {
  interface eth0
  virtual_router_id 51
  unicast_src_ip 10.0.0.1
  unicast_peer {
    10.0.0.2 min_ttl 250
    10.0.0.3 max_ttl 64
    10.0.0.4
    10.0.0.5 min_ttl 255
    10.0.0.6 min_ttl 2 max_ttl 254
  }
  virtual_ipaddress {
    10.0.0.100/24
  }
}
vrrp_instance V {
  interface eth0
  virtual_router_id 52
  use_vmac
  virtual_ipaddress {
    10.0.0.101/24
  }
}
vrrp_instance X6 {
  interface eth0
  virtual_router_id 53
  virtual_ipaddress {
    fd00::101/64
  }
}
vrrp_instance W6 {
  interface eth0
  virtual_router_id 51
  unicast_peer {
    fd00::2 min_ttl 200 max_ttl 210
  }
  virtual_ipaddress {
    fd00::100/64
  }
}
`;

function routes(): ReceiveRoutes {
  const r = checkConfig('/k.conf', memoryReader({ '/k.conf': CONF }), { configId: null, env: null });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return new ReceiveRoutes(r.config.instances.map((i) => assembleInstance(i, r.config, undefined)));
}

test('target: the VMAC name for a use_vmac instance, else the interface', () => {
  const rr = routes();
  assert.equal(rr.target('eth0', 4, 52), 'vrrp.52');
  assert.equal(rr.target('eth0', 4, 51), 'eth0');
  assert.equal(rr.target('eth0', 4, 99), 'eth0'); // unknown VRID: the core drops it with its own reason
});

const D4 = '10.0.0.1', D6 = 'fd00::1'; // our address, the advert's destination
const ok = { ok: true };
const verdict = (v: ReturnType<ReceiveRoutes['checkTtl']>) => (v.ok ? 'ok' : `${v.reason}: ${v.detail}`);

test('checkTtl with unicast_peer: each peer its own range, boundaries included; peers without one are not checked', () => {
  const rr = routes();
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.2', D4, 255), ok);
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.2', D4, 250), ok);
  assert.equal(verdict(rr.checkTtl('eth0', 4, 51, '10.0.0.2', D4, 249)), 'unicastTtlOutOfRange: unicast TTL 249 from 10.0.0.2 outside min_ttl 250 .. max_ttl 255');
  assert.equal(verdict(rr.checkTtl('eth0', 4, 51, '10.0.0.2', D4, 64)), 'unicastTtlOutOfRange: unicast TTL 64 from 10.0.0.2 outside min_ttl 250 .. max_ttl 255');
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.3', D4, 1), ok);
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.3', D4, 64), ok);
  assert.equal(rr.checkTtl('eth0', 4, 51, '10.0.0.3', D4, 65).ok, false);
  // min_ttl 255: 254 is the value an off-by-one lets through.
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.5', D4, 255), ok);
  assert.equal(verdict(rr.checkTtl('eth0', 4, 51, '10.0.0.5', D4, 254)), 'unicastTtlOutOfRange: unicast TTL 254 from 10.0.0.5 outside min_ttl 255 .. max_ttl 255');
  assert.equal(rr.checkTtl('eth0', 4, 51, '10.0.0.5', D4, 1).ok, false);
  // min_ttl 2 max_ttl 254: 1 and 255 out, both edges in.
  assert.equal(verdict(rr.checkTtl('eth0', 4, 51, '10.0.0.6', D4, 1)), 'unicastTtlOutOfRange: unicast TTL 1 from 10.0.0.6 outside min_ttl 2 .. max_ttl 254');
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.6', D4, 2), ok);
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.6', D4, 254), ok);
  assert.equal(rr.checkTtl('eth0', 4, 51, '10.0.0.6', D4, 255).ok, false);
  // No range (keepalived: unicast adverts may be routed), and a source that is no peer (the core judges it).
  for (const ttl of [1, 254, 255]) assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.4', D4, ttl), ok, `TTL ${ttl}`);
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.9', D4, 1), ok);
  assert.deepEqual(rr.checkTtl('eth1', 4, 51, '10.0.0.2', D4, 1), ok, 'no instance there: the core drops it as unknownVrid');
});

test('checkTtl without unicast_peer: 255 and nothing else, IPv4 TTL and IPv6 hop limit (keepalived vrrp_check_packet)', () => {
  const rr = routes();
  assert.deepEqual(rr.checkTtl('eth0', 4, 52, '10.0.0.2', D4, 255), ok);
  assert.equal(verdict(rr.checkTtl('eth0', 4, 52, '10.0.0.2', D4, 254)), 'ttlNot255: TTL 254 to 10.0.0.1 (no unicast_peer)');
  assert.equal(verdict(rr.checkTtl('eth0', 4, 52, '10.0.0.2', D4, 1)), 'ttlNot255: TTL 1 to 10.0.0.1 (no unicast_peer)');
  assert.equal(verdict(rr.checkTtl('eth0', 4, 52, '10.0.0.2', D4, 0)), 'ttlNot255: TTL 0 to 10.0.0.1 (no unicast_peer)');
  assert.deepEqual(rr.checkTtl('eth0', 6, 53, 'fd00::2', D6, 255), ok);
  assert.equal(verdict(rr.checkTtl('eth0', 6, 53, 'fd00::2', D6, 254)), 'ttlNot255: hop limit 254 to fd00::1 (no unicast_peer)');
  assert.equal(verdict(rr.checkTtl('eth0', 6, 53, 'fd00::2', D6, 1)), 'ttlNot255: hop limit 1 to fd00::1 (no unicast_peer)');
});

test('checkTtl: IPv6 peers match in canonical form, per family', () => {
  const rr = routes();
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00:0::2', D6, 205).ok, true);
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00::2', D6, 211).ok, false);
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00::2', D6, 199).ok, false);
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00::2', D6, 210).ok, true);
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00::2', D6, 200).ok, true);
  assert.equal(rr.checkTtl('eth0', 4, 51, 'fd00::2', D4, 1).ok, true, 'an IPv6 peer has no say over IPv4');
});
