// The announcer paces GARP and NA per interface by their own intervals, sends
// repeats in rounds over all VIPs, bounds its queues and never throws on a
// failed send. A fake packet socket and a fake clock: no network, no sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Announcer, type AnnounceTarget } from '../../src/net/announcer.ts';
import type { NativePacketSocket } from '../../src/net/native.ts';

interface Sent { atMs: number; ifindex: number; ethertype: number; payload: Uint8Array }

function harness(garpIntervalMs: number, gnaIntervalMs: number, maxQueued?: number, failWith?: Error) {
  let nowMs = 0;
  const timers: Array<{ atMs: number; fn: () => void; live: boolean }> = [];
  const sent: Sent[] = [];
  const socket: NativePacketSocket = {
    send(ifindex, ethertype, _dst, payload) {
      if (failWith) throw failWith;
      sent.push({ atMs: nowMs, ifindex, ethertype, payload });
      return payload.length;
    },
    close() {},
  };
  const announcer = new Announcer({
    garpIntervalMs, gnaIntervalMs, socket, ...(maxQueued === undefined ? {} : { maxQueued }),
    now: () => nowMs,
    setTimer: (fn, ms) => { const t = { atMs: nowMs + ms, fn, live: true }; timers.push(t); return { cancel: () => { t.live = false; } }; },
  });
  /** Advances the fake clock timer by timer until none is left. */
  const runAll = (limit = 10_000) => {
    for (let i = 0; i < limit; i++) {
      const next = timers.filter((t) => t.live).sort((a, b) => a.atMs - b.atMs)[0];
      if (!next) return;
      next.live = false;
      nowMs = next.atMs;
      next.fn();
    }
    throw new Error('timers never settled');
  };
  return { announcer, sent, runAll, now: () => nowMs };
}

const target = (vips: string[], ifindex = 7): AnnounceTarget => ({ ifindex, ifname: 'eth0', mac: new Uint8Array([2, 0, 0, 0, 0, 1]), vips, router: false });
const targetIp = (s: Sent) => (s.ethertype === 0x0806 ? [...s.payload.subarray(24, 28)].join('.') : Buffer.from(s.payload.subarray(48, 64)).toString('hex'));

test('interval 0 sends every round back to back, in rounds over all VIPs', async () => {
  const h = harness(0, 0);
  await h.announcer.announce(target(['10.0.0.1', '10.0.0.2']), 3);
  assert.deepEqual(h.sent.map(targetIp), ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2']);
  assert.ok(h.sent.every((s) => s.atMs === 0 && s.ifindex === 7 && s.ethertype === 0x0806));
  assert.equal(h.announcer.stats.garpSent, 6);
});

test('GARP and NA are paced by their own intervals, independently', async () => {
  const h = harness(100, 30);
  const done = h.announcer.announce(target(['10.0.0.1', 'fd00::1']), 3);
  h.runAll();
  await done;
  const times = (ethertype: number) => h.sent.filter((s) => s.ethertype === ethertype).map((s) => s.atMs);
  assert.deepEqual(times(0x0806), [0, 100, 200]);
  assert.deepEqual(times(0x86dd), [0, 30, 60]);
});

test('a second announce on the same interface waits for the interval after the last send', async () => {
  const h = harness(50, 50);
  await h.announcer.announce(target(['10.0.0.1']), 1);
  const second = h.announcer.announce(target(['10.0.0.1']), 1);
  assert.equal(h.sent.length, 1, 'the second GARP is not sent inside the interval');
  h.runAll();
  await second;
  assert.deepEqual(h.sent.map((s) => s.atMs), [0, 50]);
});

test('the queue is bounded: overflow is counted and the promise still settles', async () => {
  const h = harness(10, 10, 4);
  const overflows: number[] = [];
  h.announcer.on('overflow', (o) => overflows.push(o.dropped));
  const done = h.announcer.announce(target(['10.0.0.1']), 10);
  h.runAll();
  await done;
  // The first frame goes out at once; four wait; five do not fit.
  assert.equal(h.announcer.stats.garpSent, 5);
  assert.equal(h.announcer.stats.overflowDropped, 5);
  assert.equal(overflows.length, 5);
});

test('a failing send is counted and reported, never thrown', async () => {
  const err = Object.assign(new Error('sendto ENETDOWN'), { code: 'ENETDOWN', errno: -100, syscall: 'sendto' });
  const h = harness(0, 0, undefined, err);
  const reported: string[] = [];
  h.announcer.on('sendError', (e) => reported.push(`${e.code}/${e.errnoCode}/${e.syscall}`));
  await h.announcer.announce(target(['10.0.0.1', 'fd00::1']), 1);
  assert.equal(h.announcer.stats.sendErrors, 2);
  assert.deepEqual(reported, ['VIPKEEPER_ERR_SOCKET/ENETDOWN/sendto', 'VIPKEEPER_ERR_SOCKET/ENETDOWN/sendto']);
});

test('close drops what waits and settles pending announces', async () => {
  const h = harness(1000, 1000);
  const done = h.announcer.announce(target(['10.0.0.1']), 5);
  h.announcer.close();
  await done;
  assert.equal(h.sent.length, 1);
  await h.announcer.announce(target(['10.0.0.1']), 1);
  assert.equal(h.sent.length, 1, 'nothing is sent after close');
});

test('cancel(owner) drops only that owner\'s waiting frames; its announce settles, the other\'s goes on', async () => {
  const h = harness(100, 100);
  const a = h.announcer.announce({ ...target(['10.0.0.1', '10.0.0.2']), owner: 'VI_1' }, 3);
  const b = h.announcer.announce({ ...target(['10.0.0.9']), owner: 'VI_2' }, 2);
  assert.equal(h.sent.length, 1, 'one frame at once, the rest paced');
  assert.equal(h.announcer.cancel('VI_1'), 5);
  await a; // settles although most of its frames were never sent
  h.runAll();
  await b;
  assert.deepEqual(h.sent.map(targetIp), ['10.0.0.1', '10.0.0.9', '10.0.0.9']);
  assert.equal(h.announcer.stats.cancelled, 5);
  assert.equal(h.announcer.cancel('VI_1'), 0, 'nothing left to cancel');
});
