// The announce path from the core's decision to the wire, without a network:
// the real core (Router), the real Executor, the real InstanceIo and the real
// Announcer, with a fake only at the lowest IO edge, the AF_PACKET socket
// (and a recording stand-in for netlink, so the order "VIPs added, then
// GARP" can be seen). Dropping the announce anywhere on the way (in the
// executor, in InstanceIo, in the announcer) fails here, not only in the
// namespace suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { checkConfig } from '../../src/config/check.ts';
import { memoryReader } from '../../src/config/source.ts';
import { assembleInstance, type AssembledInstance } from '../../src/daemon/assemble.ts';
import { Executor } from '../../src/daemon/execute.ts';
import { InstanceIo } from '../../src/daemon/instance-io.ts';
import { Announcer } from '../../src/net/announcer.ts';
import type { NativePacketSocket } from '../../src/net/native.ts';
import type { Rtnl } from '../../src/net/netlink.ts';
import type { VipWatcher } from '../../src/net/addresses.ts';
import { Router, type TaggedAction } from '../../src/vrrp/router.ts';
import { formatIp } from '../../src/base/ip.ts';
import { millis } from '../../src/base/units.ts';

const LINKS = new Map([
  ['eth0', { index: 2, mac: '02:00:00:00:00:01' }],
  ['eth1', { index: 3, mac: '02:00:00:00:00:02' }],
]);

const CONF = `
global_defs {
  vrrp_garp_master_delay 5
  vrrp_garp_master_repeat 3
  vrrp_garp_interval 0
  vrrp_gna_interval 0
}
vrrp_instance VI_4 {
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.0.0.100/24
    10.0.0.101/24
    10.9.0.1/24 dev eth1
  }
}
vrrp_instance VI_6 {
  interface eth0
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    fd00::100/64
  }
}
`;

interface Frame { ifindex: number; ethertype: number; dstMac: string; senderMac: string; target: string }
type Event = { kind: 'add'; address: string } | { kind: 'frame'; frame: Frame };

/** What the wire would carry: the fields a client's ARP cache / neighbour table acts on. */
function decodeFrame(ifindex: number, ethertype: number, dstMac: Uint8Array, payload: Uint8Array): Frame {
  const mac = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  if (ethertype === 0x0806) {
    return { ifindex, ethertype, dstMac: mac(dstMac), senderMac: mac(payload.subarray(8, 14)), target: formatIp(payload.subarray(24, 28)) };
  }
  // IPv6 header (40) + NA (ICMPv6 type 136): target at 48..64, target link-layer option after it.
  assert.equal(payload[40], 136, 'an unsolicited neighbour advertisement');
  return { ifindex, ethertype, dstMac: mac(dstMac), senderMac: mac(payload.subarray(66, 72)), target: formatIp(payload.subarray(48, 64)) };
}

function harness() {
  const r = checkConfig('/k.conf', memoryReader({ '/k.conf': CONF }), { configId: null, env: null });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const facts = { ...LINKS.get('eth0')!, up: true, primaryIpv4: '10.0.0.1', linkLocalIpv6: 'fe80::1' };
  const assembled = new Map<string, AssembledInstance>(r.config.instances.map((i) => [i.name, assembleInstance(i, r.config, facts)]));
  const events: Event[] = [];
  const packetSocket: NativePacketSocket = {
    send(ifindex, ethertype, dstMac, payload) {
      events.push({ kind: 'frame', frame: decodeFrame(ifindex, ethertype, dstMac, payload) });
      return payload.length;
    },
    close() {},
  };
  const announcer = new Announcer({
    garpIntervalMs: r.config.global.garpIntervalMs, gnaIntervalMs: r.config.global.gnaIntervalMs, socket: packetSocket,
    now: () => 0, setTimer: () => assert.fail('interval 0: nothing is paced'),
  });
  const rtnl = {
    addAddress: async (req: { address?: string }) => { events.push({ kind: 'add', address: String(req.address) }); },
    deleteAddress: async () => {},
  } as unknown as Rtnl;
  const watcher = { track() {}, untrack() {} } as unknown as VipWatcher;
  const log = pino({ level: 'debug' }, { write: () => {} });
  const io = new Map<string, InstanceIo>();
  for (const a of assembled.values()) {
    io.set(a.core.name, new InstanceIo(a, {
      log, rtnl, watcher, announcer, releaseOnStop: true,
      sendSocket: () => undefined, // adverts are not what this test watches
      source: () => a.core.primaryAddress,
      linkIndex: (name) => LINKS.get(name)?.index,
      linkInfo: (name) => LINKS.get(name),
    }));
  }
  const executor = new Executor({ log, effects: (name) => io.get(name), onTransition: () => {}, onDrop: () => {} });
  const router = new Router([...assembled.values()].map((a) => a.core), []);
  const run = async (actions: readonly TaggedAction[]) => {
    executor.run(actions);
    await executor.settled();
    return actions;
  };
  const frames = () => events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
  return { router, run, events, frames, announcer };
}

const garp = (ifindex: number, senderMac: string, target: string): Frame => ({ ifindex, ethertype: 0x0806, dstMac: 'ff:ff:ff:ff:ff:ff', senderMac, target });
const na = (ifindex: number, senderMac: string, target: string): Frame => ({ ifindex, ethertype: 0x86dd, dstMac: '33:33:00:00:00:01', senderMac, target });

test('entering MASTER sends garp_master_repeat rounds of GARP/NA for every VIP, on the VIP\'s own interface, after the VIPs are added', async () => {
  const h = harness();
  const t0 = millis(1000);
  await h.run(h.router.start(t0));
  assert.equal(h.events.length, 0, 'a BACKUP adds and announces nothing');
  const takeover = h.router.nextDeadline()!;
  const actions = await h.run(h.router.timeout(takeover));
  assert.deepEqual(actions.filter((a) => a.action.type === 'announce').map((a) => a.instance).sort(), ['VI_4', 'VI_6'], 'the core asked for an announce');

  const eth0 = '02:00:00:00:00:01', eth1 = '02:00:00:00:00:02';
  const sent = h.frames();
  const on = (ifindex: number, ethertype: number) => sent.filter((f) => f.ifindex === ifindex && f.ethertype === ethertype);
  // Rounds over all VIPs of an interface (keepalived's order), each interface its own lane.
  const round = [garp(2, eth0, '10.0.0.100'), garp(2, eth0, '10.0.0.101')];
  assert.deepEqual(on(2, 0x0806), [...round, ...round, ...round]);
  assert.deepEqual(on(3, 0x0806), [garp(3, eth1, '10.9.0.1'), garp(3, eth1, '10.9.0.1'), garp(3, eth1, '10.9.0.1')], 'a `dev eth1` VIP is announced on eth1 with its MAC');
  assert.deepEqual(on(2, 0x86dd), [na(2, eth0, 'fd00::100'), na(2, eth0, 'fd00::100'), na(2, eth0, 'fd00::100')]);
  assert.equal(sent.length, 12);
  assert.deepEqual([h.announcer.stats.garpSent, h.announcer.stats.naSent], [9, 3]);

  // Each GARP/NA goes out only once its address was handed to netlink: a GARP
  // for an address the kernel does not hold yet would draw traffic to nothing.
  for (const [i, e] of h.events.entries()) {
    if (e.kind !== 'frame') continue;
    const addedBefore = h.events.slice(0, i).some((x) => x.kind === 'add' && x.address === e.frame.target);
    assert.ok(addedBefore, `GARP/NA for ${e.frame.target} sent before the address was added`);
  }
});

test('the second burst after vrrp_garp_master_delay goes out again through the same path', async () => {
  const h = harness();
  await h.run(h.router.start(millis(1000)));
  const takeover = h.router.nextDeadline()!;
  await h.run(h.router.timeout(takeover));
  const first = h.frames().length;
  assert.equal(first, 12);
  await h.run(h.router.timeout(millis(takeover + 4999)));
  assert.equal(h.frames().length, first, 'nothing before garp_master_delay (5 s)');
  await h.run(h.router.timeout(millis(takeover + 5000)));
  assert.equal(h.frames().length, 2 * first, 'a second garp_master_repeat burst at garp_master_delay');
  const sorted = (fs: Frame[]) => fs.map((f) => JSON.stringify(f)).sort();
  assert.deepEqual(sorted(h.frames().slice(first)), sorted(h.frames().slice(0, first)));
});
