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

test('checkTtl: each peer its own range; peers without one, and other instances, are not checked', () => {
  const rr = routes();
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.2', 255), { ok: true });
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.2', 250), { ok: true });
  assert.equal(rr.checkTtl('eth0', 4, 51, '10.0.0.2', 249).ok, false);
  assert.match((rr.checkTtl('eth0', 4, 51, '10.0.0.2', 64) as { detail: string }).detail, /TTL 64 from 10\.0\.0\.2 outside min_ttl 250 \.\. max_ttl 255/);
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.3', 1), { ok: true });
  assert.equal(rr.checkTtl('eth0', 4, 51, '10.0.0.3', 65).ok, false);
  assert.deepEqual(rr.checkTtl('eth0', 4, 51, '10.0.0.4', 1), { ok: true });
  assert.deepEqual(rr.checkTtl('eth0', 4, 52, '10.0.0.2', 1), { ok: true });
  assert.deepEqual(rr.checkTtl('eth1', 4, 51, '10.0.0.2', 1), { ok: true });
});

test('checkTtl: IPv6 peers match in canonical form, per family', () => {
  const rr = routes();
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00:0::2', 205).ok, true);
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00::2', 211).ok, false);
  assert.equal(rr.checkTtl('eth0', 6, 51, 'fd00::2', 199).ok, false);
  assert.equal(rr.checkTtl('eth0', 4, 51, 'fd00::2', 1).ok, true);
});
