// The addon's failures look like Node's system errors, and sd_notify reaches
// an AF_UNIX datagram listener at a path and at an abstract '@' address.
// Everything runs in a lab namespace (abstract sockets are per namespace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../lib/lab.ts';
import { spawnFixture, spawnJson, type JsonChild } from './fixtures/child.ts';

test('native errors carry code, errno and syscall; VrrpSocket wraps them as VIPKEEPER_ERR_SOCKET', async (t) => {
  const lab = Lab.create([{ name: 'a', ipv4: '10.213.0.1/24' }], 'ne');
  t.after(() => lab.cleanup());
  const probe = spawnFixture(lab, 'a', 'native-errors.ts', []);
  assert.equal(await probe.exited(), 0, probe.stderr());
  const r = probe.lines[0] as Record<string, Record<string, unknown>>;
  assert.deepEqual(pick(r.rawNoDevice!), { threw: true, code: 'ENODEV', errno: -19, syscall: 'setsockopt' });
  assert.deepEqual(pick(r.rawBadAddress!), { threw: true, code: 'EINVAL', errno: -22, syscall: 'inet_pton' });
  assert.equal(r.rawBadFamily!.name, 'TypeError');
  assert.deepEqual(pick(r.vrrpNoDevice!), { threw: true, code: 'VIPKEEPER_ERR_SOCKET', errno: -19, syscall: 'setsockopt' });
  assert.equal(r.vrrpNoDevice!.errnoCode, 'ENODEV');
  assert.match(String(r.vrrpNoDevice!.message), /VRRP socket on vknodev0 \(IPv6\): setsockopt ENODEV/);
  assert.deepEqual(pick(r.packetNoDevice!), { threw: true, code: 'ENXIO', errno: -6, syscall: 'sendto' });
  assert.deepEqual(pick(r.afterClose!), { threw: true, code: 'EBADF', errno: -9, syscall: 'sendmsg' });
  assert.equal(r.notifyUnset, false);
  assert.deepEqual(pick(r.notifyMissing!), { threw: true, code: 'VIPKEEPER_ERR_SOCKET', errno: -111, syscall: 'sendto' });
  assert.deepEqual(r.eth0Opens, { threw: false });
});

test('sd_notify reaches a datagram listener at a path and at an abstract address', async (t) => {
  const lab = Lab.create([{ name: 'a', ipv4: '10.213.0.1/24' }], 'sd');
  const path = join(tmpdir(), `${lab.prefix}-notify.sock`);
  t.after(() => { lab.cleanup(); rmSync(path, { force: true }); });
  for (const address of [path, `@${lab.prefix}-notify`]) {
    const listener = listen(lab, address);
    await listener.waitLine(`listener on ${address}`, (l) => l.ready === true);
    const state = `READY=1\nSTATUS=listening on ${address}`;
    const sender = spawnFixture(lab, 'a', 'notify-send.ts', [address, state]);
    assert.equal(await sender.exited(), 0, sender.stderr());
    assert.deepEqual(sender.lines[0], { sent: true });
    const got = await listener.waitLine(`datagram at ${address}`, (l) => typeof l.data === 'string');
    assert.equal(got.data, state);
  }
});

function listen(lab: Lab, address: string): JsonChild {
  // python3 binds the AF_UNIX datagram socket ('\0' prefix for abstract) and prints one datagram as JSON.
  const script = [
    'import socket, sys, json',
    'a = sys.argv[1]',
    "a = '\\0' + a[1:] if a.startswith('@') else a",
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(a)',
    "print(json.dumps({'ready': True}), flush=True)",
    's.settimeout(10)',
    "print(json.dumps({'data': s.recv(4096).decode()}), flush=True)",
  ].join('\n');
  return spawnJson(lab, 'a', ['python3', '-c', script, address]);
}

function pick(e: Record<string, unknown>) {
  return { threw: e.threw, code: e.code, errno: e.errno, syscall: e.syscall };
}
