// The netlink wrapper itself: error mapping, rtattr bytes, and one socket
// carrying many concurrent requests and dumps against the real kernel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../lib/lab.ts';
import { NetlinkAgent } from './fixtures/netlink-client.ts';
import { mapError, NetlinkError } from '../../src/net/netlink.ts';
import { decodeAttrs, encodeAttrs, parseMac, u32 } from '../../src/net/rtattr.ts';
import { VipkeeperError } from '../../src/base/errors.ts';
import { broadcastFor, toAddressRequest } from '../../src/net/addresses.ts';
import { eui64LinkLocal, vmacMac } from '../../src/net/vmac.ts';
import { parseRoute, parseRule } from '../../src/net/routes.ts';

test('package errors become NetlinkError with the errno name, Node-shaped errno and the message type', () => {
  const e = mapError(new Error('Request rejected: EEXIST'), 'RTM_NEWADDR', 'add 10.0.0.1/32');
  assert.ok(e instanceof NetlinkError && e instanceof VipkeeperError);
  assert.deepEqual([e.code, e.errnoCode, e.errno, e.syscall], ['VIPKEEPER_ERR_NETLINK', 'EEXIST', -17, 'RTM_NEWADDR']);
  const t = mapError(new Error('Timeout has been reached'), 'RTM_GETLINK', 'dump');
  assert.deepEqual([t.errnoCode, t.errno], ['ETIMEDOUT', -110]);
  const native = Object.assign(new Error('send failed'), { code: 'ENOBUFS', errno: 105 });
  assert.equal(mapError(native, 'sendmsg', 'x').errnoCode, 'ENOBUFS');
  assert.equal(mapError('weird', 'x', 'y').errnoCode, 'EIO');
});

test('rtattrs: encode pads to 4 bytes and decode reads them back', () => {
  const b = encodeAttrs([[1, Buffer.from('macvlan\0')], [2, encodeAttrs([[1, u32(1)]])], [3, Buffer.from([7])]]);
  assert.equal(b.length % 4, 0);
  const m = decodeAttrs(b);
  assert.equal(m.get(1)!.toString(), 'macvlan\0');
  assert.equal(decodeAttrs(m.get(2)!).get(1)!.readUInt32LE(0), 1);
  assert.deepEqual([...m.get(3)!], [7]);
  assert.equal(parseMac('00:00:5e:00:01:33')!.toString('hex'), '00005e000133');
  assert.equal(parseMac('00:00:5e:00:01'), null);
});

test('pure helpers: brd +/-, keepalived address defaults, VMAC MAC and EUI-64, route/rule words', () => {
  assert.equal(broadcastFor({ address: '10.1.2.3', family: 4, prefixLength: 20, dev: 'x', broadcast: '+' }), '10.1.15.255');
  assert.equal(broadcastFor({ address: '10.1.2.3', family: 4, prefixLength: 20, dev: 'x', broadcast: '-' }), '10.1.0.0');
  assert.equal(broadcastFor({ address: '10.1.2.3', family: 4, prefixLength: 31, dev: 'x', broadcast: '+' }), undefined);
  const v6 = toAddressRequest({ address: 'fd00::1', family: 6, prefixLength: 128, dev: 'x', label: 'x:1', scope: 'host' }, 3);
  assert.deepEqual([v6.flags?.nodad, v6.preferredLftS, v6.label, v6.scope], [true, 0, undefined, 0]);
  const v6b = toAddressRequest({ address: 'fd00::1', family: 6, prefixLength: 64, dev: 'x', noDad: true }, 3);
  assert.deepEqual([v6b.flags?.nodad, v6b.preferredLftS], [false, undefined]);
  assert.equal(vmacMac(255, 4), '00:00:5e:00:01:ff');
  assert.equal(vmacMac(1, 6), '00:00:5e:00:02:01');
  assert.equal(eui64LinkLocal('52:54:00:12:34:56'), 'fe80::5054:ff:fe12:3456');
  assert.deepEqual(parseRoute(['10.1.0.0/16', 'via', '10.0.0.1', 'table', 'main']), { type: 1, to: '10.1.0.0', toLen: 16, family: 4, via: '10.0.0.1', table: 254 });
  assert.equal(parseRoute(['default', 'via', 'fd00::1']).family, 6);
  assert.deepEqual(parseRule(['from', 'all', 'lookup', '5']), { table: 5, family: 4 });
  assert.throws(() => parseRule(['from', '10.0.0.0/8']), /needs a table or an action/);
  assert.throws(() => parseRoute(['10.0.0.0/33']), /prefix length/);
});

let lab: Lab;
let agent: NetlinkAgent;
before(async () => {
  lab = Lab.create([{ name: 'r1', ipv4: '10.250.0.1/24' }], 'nl');
  agent = await NetlinkAgent.start(lab, 'r1');
});
after(async () => {
  await agent?.close();
  lab?.cleanup();
});

test('200 concurrent adds with dumps interleaved on one socket all succeed, and all are removed', async () => {
  const r = await agent.call<{ added: string[]; dumps: number; after: string[]; removed: string[] }>('burst', ['eth0', 200, '10.251.0'], 30_000);
  assert.equal(r.added.filter((x) => x === 'added').length, 200);
  assert.equal(r.dumps, 20);
  for (let i = 1; i <= 200; i++) assert.ok(r.after.includes(`10.251.0.${i}`), `10.251.0.${i} present`);
  assert.equal(r.removed.filter((x) => x === 'removed').length, 200);
  assert.doesNotMatch(lab.exec('r1', ['ip', 'addr', 'show', 'dev', 'eth0']), /10\.251\.0\./);
});
