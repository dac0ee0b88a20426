// VrrpSocket's receive decisions, with a fake addon standing in for the raw
// socket (the lowest IO edge): the datagram the kernel would hand over (IPv4
// with its header, IPv6 with the hop limit from the cmsg) goes in, a packet
// or a counted drop comes out. The same checks run against the real kernel in
// test/netns/receive-ttl.test.ts; this file is fast enough for the mutation
// run, where every mutant of vrrp-socket.ts must meet a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpSocket, readIpv4Header, type VrrpDrop, type VrrpPacket, type VrrpSocketOptions } from '../../src/net/vrrp-socket.ts';
import type { NativeAddon, NativeRawSocket, RawPacketCallback } from '../../src/net/native.ts';

const IFINDEX = 7;
const VRRP = Uint8Array.from([0x31, 51, 100, 1, 0, 100, 0, 0, 10, 0, 0, 100]); // content is not judged here

function ipv4(ttl: number, payload = VRRP, ihl = 5): Buffer {
  const h = Buffer.alloc(ihl * 4);
  h[0] = 0x40 | ihl;
  h.writeUInt16BE(h.length + payload.length, 2);
  h[8] = ttl;
  h[9] = 112;
  return Buffer.concat([h, payload]);
}

interface FakeFaults { sendThrows?: Error; ctorThrows?: Error; bindThrows?: Error }

function open(family: 4 | 6, extra: Partial<VrrpSocketOptions> = {}, faults: FakeFaults = {}) {
  let deliver: RawPacketCallback | undefined;
  const calls: string[] = [];
  const raw: NativeRawSocket = {
    bindToDevice: (n) => { if (faults.bindThrows) throw faults.bindThrows; calls.push(`bindToDevice ${n}`); },
    bind: () => {},
    joinGroup: (g, i) => { calls.push(`join ${g} ${i}`); },
    leaveGroup: (g, i) => { calls.push(`leave ${g} ${i}`); },
    setMulticastInterface: (i) => { calls.push(`mcastIf ${i}`); },
    setMulticastTtl: (t) => { calls.push(`mcastTtl ${t}`); },
    setUnicastTtl: () => {},
    setMulticastLoop: (on) => { calls.push(`loop ${on}`); },
    setChecksumOffset: (o) => { calls.push(`csum ${o}`); },
    start: () => {},
    drain: () => [],
    send: (dst, payload, src, ifindex, ttl) => { if (faults.sendThrows) throw faults.sendThrows; calls.push(`send ${dst} ${src} ${ifindex} ${ttl}`); return payload.length; },
    close: () => { calls.push('close'); },
  };
  const native = {
    abiVersion: 1,
    RawSocket: class { constructor(_f: 4 | 6, cb: RawPacketCallback) { if (faults.ctorThrows) throw faults.ctorThrows; deliver = cb; return raw; } },
    PacketSocket: class {},
    sendUnixDatagram: () => 0,
  } as unknown as NativeAddon;
  const socket = new VrrpSocket({ family, ifname: 'eth0', ifindex: IFINDEX, native, ...extra });
  const packets: VrrpPacket[] = [];
  const drops: VrrpDrop[] = [];
  socket.on('packet', (p) => packets.push(p));
  socket.on('drop', (d) => drops.push(d));
  /** What the addon passes for one datagram: IPv4 keeps its header (hop limit -1), IPv6 gets the cmsg's. */
  const receive = (bytes: Uint8Array, src: string, dst: string, hopLimit: number, ifindex = IFINDEX) =>
    deliver!(null, Buffer.from(bytes), src, family === 6 && src.startsWith('fe80') ? IFINDEX : 0, dst, ifindex, hopLimit);
  const fail = (err: Error) => deliver!(err as Parameters<RawPacketCallback>[0]);
  return { socket, packets, drops, calls, receive, fail };
}

test('IPv4 multicast: TTL 255 is delivered; 254, 1 and 0 are dropped as ttlNot255 and counted', () => {
  const s = open(4);
  s.receive(ipv4(255), '10.0.0.1', '224.0.0.18', -1);
  for (const ttl of [254, 1, 0]) s.receive(ipv4(ttl), '10.0.0.1', '224.0.0.18', -1);
  assert.deepEqual(s.packets.map((p) => [p.ttl, p.multicast, p.dst, p.src, p.ifindex, p.family]), [[255, true, '224.0.0.18', '10.0.0.1', IFINDEX, 4]]);
  assert.deepEqual([...s.packets[0]!.payload], [...VRRP], 'the VRRP bytes, without the IP header');
  assert.deepEqual(s.drops, [
    { reason: 'ttlNot255', src: '10.0.0.1', detail: 'TTL 254 to 224.0.0.18' },
    { reason: 'ttlNot255', src: '10.0.0.1', detail: 'TTL 1 to 224.0.0.18' },
    { reason: 'ttlNot255', src: '10.0.0.1', detail: 'TTL 0 to 224.0.0.18' },
  ]);
  assert.deepEqual(s.socket.stats.drops, { ttlNot255: 3 });
  assert.equal(s.socket.stats.received, 4);
});

test('IPv6 multicast: hop limit 255 is delivered; 254 and 1 are dropped', () => {
  const s = open(6);
  s.receive(VRRP, 'fe80::1', 'ff02::12', 255);
  s.receive(VRRP, 'fe80::1', 'ff02::12', 254);
  s.receive(VRRP, 'fe80::1', 'FF02::12', 1);
  assert.deepEqual(s.packets.map((p) => [p.ttl, p.multicast, p.scopeId]), [[255, true, IFINDEX]]);
  assert.deepEqual(s.drops.map((d) => d.detail), ['hop limit 254 to ff02::12', 'hop limit 1 to FF02::12']);
  assert.deepEqual(s.socket.stats.drops, { ttlNot255: 2 });
});

test('unicast: delivered with the TTL as received when no range is set (the daemon decides per instance)', () => {
  const s4 = open(4);
  for (const ttl of [255, 254, 1]) s4.receive(ipv4(ttl), '10.0.0.1', '10.0.0.2', -1);
  assert.deepEqual(s4.packets.map((p) => [p.ttl, p.multicast]), [[255, false], [254, false], [1, false]]);
  const s6 = open(6);
  for (const hl of [255, 254, 1]) s6.receive(VRRP, 'fd00::1', 'fd00::2', hl);
  assert.deepEqual(s6.packets.map((p) => [p.ttl, p.multicast, p.scopeId]), [[255, false, 0], [254, false, 0], [1, false, 0]]);
  assert.equal(s4.drops.length + s6.drops.length, 0);
});

test('unicast with a min/max range: both edges in, one past each edge out', () => {
  const s = open(4, { unicastTtlMin: 2, unicastTtlMax: 254 });
  for (const ttl of [1, 2, 254, 255]) s.receive(ipv4(ttl), '10.0.0.1', '10.0.0.2', -1);
  assert.deepEqual(s.packets.map((p) => p.ttl), [2, 254]);
  assert.deepEqual(s.drops.map((d) => `${d.reason} ${d.detail}`), ['ttlNot255 unicast TTL 1 outside 2..254', 'ttlNot255 unicast TTL 255 outside 2..254']);
  const edge = open(6, { unicastTtlMin: 255 });
  edge.receive(VRRP, 'fd00::1', 'fd00::2', 254);
  edge.receive(VRRP, 'fd00::1', 'fd00::2', 255);
  assert.deepEqual(edge.packets.map((p) => p.ttl), [255]);
  assert.deepEqual(edge.drops.map((d) => d.detail), ['unicast TTL 254 outside 255..255']);
});

test('multicast means 224.0.0.0/4 and ff00::/8: the edges of the range', () => {
  const s = open(4);
  for (const dst of ['224.0.0.0', '239.255.255.255', '223.255.255.255', '240.0.0.1']) s.receive(ipv4(1), '10.0.0.1', dst, -1);
  assert.deepEqual(s.drops.map((d) => d.detail), ['TTL 1 to 224.0.0.0', 'TTL 1 to 239.255.255.255']);
  assert.deepEqual(s.packets.map((p) => [p.dst, p.multicast]), [['223.255.255.255', false], ['240.0.0.1', false]]);
});

test('a datagram that arrived on another interface is counted and ignored', () => {
  const s = open(4);
  s.receive(ipv4(255), '10.0.0.1', '224.0.0.18', -1, IFINDEX + 1);
  assert.deepEqual([s.packets.length, s.drops.length, s.socket.stats.otherInterface, s.socket.stats.received], [0, 0, 1, 1]);
});

test('a receive error is counted and reported, never thrown', () => {
  const s = open(4);
  const errors: string[] = [];
  s.socket.on('receiveError', (e) => errors.push(`${e.errnoCode} ${e.syscall}`));
  s.fail(Object.assign(new Error('recvmsg failed'), { code: 'ENOBUFS', errno: -105, syscall: 'recvmsg' }));
  assert.deepEqual(errors, ['ENOBUFS recvmsg']);
  assert.deepEqual([s.socket.stats.receiveErrors, s.socket.stats.received, s.packets.length], [1, 0, 0]);
});

test('IPv4 header: the payload starts after IHL*4 and ends at the total length; bad headers are dropped with a reason', () => {
  const withOptions = readIpv4Header(ipv4(255, VRRP, 6));
  assert.ok(withOptions.ok);
  assert.deepEqual([...withOptions.payload], [...VRRP]);
  const trailing = readIpv4Header(Buffer.concat([ipv4(255), Buffer.from([1, 2, 3])]));
  assert.ok(trailing.ok);
  assert.equal(trailing.payload.length, VRRP.length, 'bytes past the total length are not VRRP');
  assert.deepEqual(readIpv4Header(new Uint8Array(19)), { ok: false, reason: 'tooShort', detail: '19 bytes of IPv4 header' });
  const v6 = ipv4(255); v6[0] = 0x65;
  assert.equal((readIpv4Header(v6) as { reason: string }).reason, 'badIpHeader');
  const shortIhl = ipv4(255); shortIhl[0] = 0x44;
  assert.equal((readIpv4Header(shortIhl) as { reason: string }).reason, 'badIpHeader');
  const long = ipv4(255); long.writeUInt16BE(long.length + 1, 2);
  assert.deepEqual(readIpv4Header(long), { ok: false, reason: 'tooShort', detail: `total length ${long.length + 1} > ${long.length} received` });
  const tiny = ipv4(255); tiny.writeUInt16BE(19, 2);
  assert.equal((readIpv4Header(tiny) as { reason: string }).reason, 'badIpHeader');
  const s = open(4);
  s.receive(v6, '10.0.0.1', '224.0.0.18', -1);
  assert.deepEqual(s.socket.stats.drops, { badIpHeader: 1 });
});

test('the socket is set up for VRRP: bound to its interface, group joined, TTL 255 out, no loopback; close leaves the group', () => {
  const s4 = open(4);
  assert.deepEqual(s4.calls, ['bindToDevice eth0', `mcastIf ${IFINDEX}`, 'mcastTtl 255', 'loop false', `join 224.0.0.18 ${IFINDEX}`]);
  assert.equal(s4.socket.send(VRRP, { src: '10.0.0.2' }), true);
  s4.socket.send(VRRP, { src: '10.0.0.2', dst: '10.0.0.1', ttl: 64 });
  s4.socket.close();
  s4.socket.close();
  assert.deepEqual(s4.calls.slice(5), [`send 224.0.0.18 10.0.0.2 ${IFINDEX} 255`, `send 10.0.0.1 10.0.0.2 ${IFINDEX} 64`, `leave 224.0.0.18 ${IFINDEX}`, 'close']);
  const s6 = open(6, { group: null });
  assert.deepEqual(s6.calls, ['bindToDevice eth0', `mcastIf ${IFINDEX}`, 'mcastTtl 255', 'loop false', 'csum -1']);
  assert.throws(() => s6.socket.send(VRRP, { src: 'fd00::2' }), /no destination and no group/);
});

const nativeError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} failed`), { code, errno: -1, syscall });

test('IPv6 joins ff02::12 by default; joining is idempotent, and close leaves every group joined', () => {
  const s = open(6);
  assert.equal(s.socket.group, 'ff02::12');
  assert.deepEqual(s.calls.filter((c) => c.startsWith('join')), [`join ff02::12 ${IFINDEX}`]);
  s.socket.joinGroup('ff02::12');
  s.socket.joinGroup('ff02::1:12');
  assert.equal(s.socket.hasGroup('ff02::1:12'), true);
  assert.equal(s.socket.hasGroup('ff02::2'), false);
  s.socket.close();
  assert.deepEqual(s.calls.filter((c) => /^(join|leave)/.test(c)), [
    `join ff02::12 ${IFINDEX}`, `join ff02::1:12 ${IFINDEX}`, `leave ff02::12 ${IFINDEX}`, `leave ff02::1:12 ${IFINDEX}`,
  ]);
});

test('send: counted; a failed send is counted and reported as sendError, returns false, never throws', () => {
  const ok = open(4);
  ok.socket.send(VRRP, { src: '10.0.0.2' });
  ok.socket.send(VRRP, { src: '10.0.0.2' });
  assert.deepEqual([ok.socket.stats.sent, ok.socket.stats.sendErrors], [2, 0]);
  const bad = open(4, {}, { sendThrows: nativeError('ENETUNREACH', 'sendmsg') });
  const errors: string[] = [];
  bad.socket.on('sendError', (e) => errors.push(`${e.errnoCode} ${e.syscall} ${e.message}`));
  assert.equal(bad.socket.send(VRRP, { src: '10.0.0.2', dst: '10.0.0.9' }), false);
  assert.deepEqual([bad.socket.stats.sent, bad.socket.stats.sendErrors], [0, 1]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^ENETUNREACH sendmsg .*send to 10\.0\.0\.9 on eth0/);
  const bug = open(4, {}, { sendThrows: new TypeError('not a native error') });
  assert.throws(() => bug.socket.send(VRRP, { src: '10.0.0.2' }), TypeError, 'a programming error is not swallowed');
});

test('open failures become SocketErrors that name the socket', () => {
  assert.throws(() => open(4, {}, { ctorThrows: nativeError('EPERM', 'socket') }), (e: Error & { errnoCode?: string }) => {
    assert.equal(e.errnoCode, 'EPERM');
    assert.match(e.message, /VRRP socket on eth0 \(IPv4\)/);
    return true;
  });
  assert.throws(() => open(6, {}, { bindThrows: nativeError('ENODEV', 'setsockopt') }), (e: Error & { errnoCode?: string }) => {
    assert.equal(e.errnoCode, 'ENODEV');
    assert.match(e.message, /VRRP socket on eth0 \(IPv6\)/);
    return true;
  });
});

test('IPv4 header edges: a header with no payload is read (empty payload); a total length under the header is not', () => {
  const bare = ipv4(255, new Uint8Array(0));
  const r = readIpv4Header(bare);
  assert.ok(r.ok);
  assert.equal(r.payload.length, 0);
  const under = ipv4(255); under.writeUInt16BE(19, 2);
  assert.deepEqual(readIpv4Header(under), { ok: false, reason: 'badIpHeader', detail: 'version/IHL byte 0x45, total length 19' });
});
