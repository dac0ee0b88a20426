// The edge's AH checks before the core (keepalived's vrrp_check_packet and
// vrrp_in_chk_ipsecah order): AH exactly for AH instances, then ICV, SPI and
// sequence number, each refusal its own reason; the counter shared by send
// and receive; a reload carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig } from '../../src/config/check.ts';
import { memoryReader } from '../../src/config/source.ts';
import { centis } from '../../src/base/units.ts';
import { assembleInstance, type AssembledInstance } from '../../src/daemon/assemble.ts';
import { ReceiveRoutes } from '../../src/daemon/receive-route.ts';
import { AhTable } from '../../src/daemon/ah-receive.ts';
import { encodeAdvert } from '../../src/vrrp/packet.ts';
import { ahKey, encodeAhPacket } from '../../src/vrrp/ah.ts';
import { hmacMd5 } from '../../src/net/hmac-md5.ts';
import type { VrrpPacket } from '../../src/net/vrrp-socket.ts';
import type { Advert } from '../../src/vrrp/advert.ts';

const CONF = `
vrrp_instance AH1 {
  interface eth0
  virtual_router_id 51
  authentication {
    auth_type AH
    auth_pass secret12
  }
  virtual_ipaddress {
    10.0.0.100/24
  }
}
vrrp_instance PLAIN {
  interface eth0
  virtual_router_id 52
  virtual_ipaddress {
    10.0.0.101/24
  }
}
`;

function setup(carried?: Map<string, number>): { table: AhTable; routes: ReceiveRoutes; instances: AssembledInstance[] } {
  const r = checkConfig('/k.conf', memoryReader({ '/k.conf': CONF }), { configId: null, env: null });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'note'), []);
  const instances = r.config.instances.map((i) => assembleInstance(i, r.config, undefined));
  return { table: new AhTable(instances, carried), routes: new ReceiveRoutes(instances), instances };
}

const advert = (vrid: number, authType: 0 | 2, over: Partial<Advert> = {}): Advert => ({
  version: 2, family: 4, vrid, priority: 100, advertIntervalCs: centis(100), addresses: [vrid === 51 ? '10.0.0.100' : '10.0.0.101'], authType, authData: '', ...over,
});
const SRC = '10.0.0.2';
const DST = '224.0.0.18';

function ahPacket(a: Advert, seq: number, opts: { password?: string; src?: string; spiFrom?: string } = {}): VrrpPacket {
  const src = opts.src ?? SRC;
  const ip = encodeAhPacket(encodeAdvert(a, { src, dst: DST }), { src: opts.spiFrom ?? src, dst: DST, ttl: 255, ipId: 1, seq, unicast: false }, ahKey(opts.password ?? 'secret12'), hmacMd5);
  if (opts.spiFrom !== undefined) { // the IP source differs from the SPI: rewrite the source, then re-sign
    const v = new DataView(ip.buffer);
    v.setUint32(12, v.getUint32(12) ^ 1); // 10.0.0.x -> a neighbour address
  }
  return { family: 4, src, scopeId: 0, dst: DST, ifindex: 2, ttl: 255, multicast: true, protocol: 51, payload: Buffer.from(ip) };
}
const plainPacket = (a: Advert): VrrpPacket =>
  ({ family: 4, src: SRC, scopeId: 0, dst: DST, ifindex: 2, ttl: 255, multicast: true, protocol: 112, payload: Buffer.from(encodeAdvert(a, { src: SRC, dst: DST })) });

const reasonOf = (r: ReturnType<AhTable['receive']>) => (r.ok ? 'ok' : `${r.where}:${r.reason}`);

test('a good AH advert passes to the core with its VRRP fields', () => {
  const { table, routes } = setup();
  const r = table.receive('eth0', ahPacket(advert(51, 2), 1), routes);
  assert.ok(r.ok);
  assert.equal(r.advert.vrid, 51);
  assert.equal(r.advert.authType, 2);
});

test('plain VRRP for an AH instance: ahMissing; AH for a plain instance: ahUnexpected; plain for plain passes', () => {
  const { table, routes } = setup();
  assert.equal(reasonOf(table.receive('eth0', plainPacket(advert(51, 2)), routes)), 'AH1:ahMissing');
  assert.equal(reasonOf(table.receive('eth0', plainPacket(advert(51, 0)), routes)), 'AH1:ahMissing');
  assert.equal(reasonOf(table.receive('eth0', ahPacket(advert(52, 2), 1), routes)), 'PLAIN:ahUnexpected');
  assert.equal(reasonOf(table.receive('eth0', plainPacket(advert(52, 0)), routes)), 'ok');
});

test('wrong key: ahIcvInvalid, and the counter does not move', () => {
  const { table, routes } = setup();
  assert.equal(reasonOf(table.receive('eth0', ahPacket(advert(51, 2), 50, { password: 'wrong222' }), routes)), 'AH1:ahIcvInvalid');
  assert.equal(table.channel('AH1')!.seq.value, 0);
});

test('SPI not the source address: ahSpiInvalid', () => {
  const { table, routes } = setup();
  assert.equal(reasonOf(table.receive('eth0', ahPacket(advert(51, 2), 5, { spiFrom: SRC }), routes)), 'AH1:ahIcvInvalid',
    'a rewritten source breaks the ICV first (keepalived checks the ICV before the SPI)');
  // A sender that signs a packet whose SPI is not its source: ICV good, SPI bad.
  const ip = encodeAhPacket(encodeAdvert(advert(51, 2), { src: SRC, dst: DST }), { src: SRC, dst: DST, ttl: 255, ipId: 1, seq: 5, unicast: false }, ahKey('secret12'), hmacMd5);
  ip[20 + 7]! ^= 1; // SPI
  // re-sign over the changed SPI, as a misbehaving sender would
  const resigned = resign(ip);
  const p: VrrpPacket = { ...plainPacket(advert(51, 2)), protocol: 51, payload: Buffer.from(resigned) };
  const r = table.receive('eth0', p, routes);
  assert.equal(reasonOf(r), 'AH1:ahSpiInvalid');
  assert.equal(r.ok ? '' : r.detail, '10.0.0.3');
});

function resign(ip: Uint8Array): Uint8Array {
  const copy = new Uint8Array(ip);
  copy[1] = 0; copy[10] = 0; copy[11] = 0; copy.fill(0, 32, 44);
  const icv = hmacMd5(ahKey('secret12'), copy).subarray(0, 12);
  const out = new Uint8Array(ip);
  out.set(icv, 32);
  return out;
}

test('sequence numbers: a replay or an older number is ahSeqReplayed with keepalived\'s detail; newer passes', () => {
  const { table, routes } = setup();
  assert.equal(reasonOf(table.receive('eth0', ahPacket(advert(51, 2), 10), routes)), 'ok');
  const replay = table.receive('eth0', ahPacket(advert(51, 2), 10), routes);
  assert.equal(reasonOf(replay), 'AH1:ahSeqReplayed');
  assert.equal(replay.ok ? '' : replay.detail, '10 already processed. Packet dropped. Local(10)');
  assert.equal(reasonOf(table.receive('eth0', ahPacket(advert(51, 2), 9), routes)), 'AH1:ahSeqReplayed');
  assert.equal(reasonOf(table.receive('eth0', ahPacket(advert(51, 2), 11), routes)), 'ok');
});

test('one counter both ways: after hearing 40, our next advert carries 41', () => {
  const { table, routes } = setup();
  assert.ok(table.receive('eth0', ahPacket(advert(51, 2), 40), routes).ok);
  const [frame] = table.channel('AH1')!.frame(encodeAdvert(advert(51, 2), { src: '10.0.0.1', dst: DST }), '10.0.0.1', [DST], 255);
  assert.equal(new DataView(frame!.buffer).getUint32(28), 41);
});

test('version and auth type mismatches inside AH go to the core unchecked (it words them), without moving the counter', () => {
  const { table, routes } = setup();
  const r = table.receive('eth0', ahPacket(advert(51, 0), 7), routes);
  assert.ok(r.ok);
  assert.equal(table.channel('AH1')!.seq.value, 0);
});

test('a reload carries the counter by instance identity', () => {
  const first = setup();
  assert.ok(first.table.receive('eth0', ahPacket(advert(51, 2), 1234), first.routes).ok);
  const second = setup(first.table.carry());
  assert.equal(second.table.channel('AH1')!.seq.value, 1234);
  assert.equal(reasonOf(second.table.receive('eth0', ahPacket(advert(51, 2), 1234), second.routes)), 'AH1:ahSeqReplayed');
});

test('garbage on the AH socket is a drop with a reason, never a throw', () => {
  const { table, routes } = setup();
  for (let n = 0; n < 80; n++) {
    const payload = Buffer.alloc(n, 0x45);
    const r = table.receive('eth0', { ...plainPacket(advert(51, 2)), protocol: 51, payload }, routes);
    assert.equal(r.ok, false);
  }
});
