// vipkeeper against Debian's keepalived 2.2.7 with `auth_type AH` (VRRPv2 in
// an IPsec AH header, HMAC-MD5-96, sequence numbers), each direction:
// convergence, graceful handover (SIGTERM, priority 0), preemption by a
// restarted higher router (whose sequence counter starts again at 0: it must
// learn the running one's before it takes over), and hard failover (SIGKILL).
// tshark then decodes every AH packet captured, vipkeeper's among them. With
// a wrong key both sides refuse each other's adverts, say so in keepalived's
// words, and each holds the VIP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createVrrpLab, type VrrpLab } from '../lib/vrrp-lab.ts';
import type { DaemonProc } from '../lib/daemon-proc.ts';
import { waitFor } from '../lib/lab.ts';
import { config, type InstanceOptions } from '../lib/conf.ts';

const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;
const BAD_ICV = /\(VI_1\) IPSEC-AH : invalid IPSEC HMAC-MD5 value\. Due to fields mutation or bad password !/;
const HAVE_KEEPALIVED = existsSync('/usr/sbin/keepalived');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Program = 'vipkeeper' | 'keepalived';

function ahConf(host: number, priority: number, vip: string, password: string, extra: Partial<InstanceOptions> = {}): string {
  return config(`r${host}`, [{ priority, version: 2, advertInt: '1', vips: [`${vip}/24`], authType: 'AH', authPass: password, ...extra }]);
}

async function converged(v: VrrpLab, master: DaemonProc, backup: DaemonProc, vip: string): Promise<void> {
  await waitFor('r1 MASTER and r2 BACKUP', () => master.state() === 'MASTER' && backup.state() === 'BACKUP', 15_000);
  await v.waitVip('r1', vip);
  await v.waitVip('r2', vip, false);
  const [m0, b0] = [master.lines.length, backup.lines.length];
  await sleep(3000);
  assert.deepEqual([...master.stateLines(m0), ...backup.stateLines(b0)], [], 'no state change once converged');
  assert.equal(v.hasVip('r1', vip) && !v.hasVip('r2', vip), true, 'one MASTER holds the VIP');
}

/** tshark's reading of every AH packet: "src spi seq next-header vrrp-auth-type prio". */
function ahDecoded(file: string): string[] {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'ah', '-T', 'fields', '-E', 'separator=/s',
    '-e', 'ip.src', '-e', 'ah.spi', '-e', 'ah.sequence', '-e', 'ah.next_header', '-e', 'vrrp.auth_type', '-e', 'vrrp.prio'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

const spiOf = (addr: string) => `0x${addr.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join('')}`;

// Multicast, and unicast (where the TTL is left out of the ICV).
const CASES: Array<[Program, number, boolean]> = [['vipkeeper', 81, false], ['keepalived', 82, false], ['vipkeeper', 88, true], ['keepalived', 89, true]];
for (const [higher, subnet, unicast] of CASES) {
  const lower: Program = higher === 'vipkeeper' ? 'keepalived' : 'vipkeeper';
  const mode = (self: number, peer: number): Partial<InstanceOptions> => (unicast ? { unicastSrc: `10.${subnet}.0.${self}`, unicastPeers: [`10.${subnet}.0.${peer}`] } : {});
  test(`interop AH ${unicast ? 'unicast' : 'multicast'}: ${higher} (150) and ${lower} (100) fail over both ways`, { skip: !HAVE_KEEPALIVED && 'keepalived is not installed' }, async () => {
    const v = createVrrpLab(`ah${subnet}`, 2, subnet);
    const vip = `10.${subnet}.0.100`;
    const capFile = `/tmp/vk${process.pid}-ah${subnet}.pcap`;
    const cap = v.lab.spawn('r2', ['tcpdump', '-n', '-U', '-i', 'eth0', '-w', capFile, 'ip proto 51 or ip proto 112']);
    let capStderr = '';
    cap.stderr?.on('data', (b: Buffer) => { capStderr += b.toString(); });
    try {
      await waitFor('tcpdump to listen', () => /listening on/.test(capStderr), 10_000);
      const hi = v.start('r1', ahConf(1, 150, vip, 'secret12', mode(1, 2)), higher);
      const lo = v.start('r2', ahConf(2, 100, vip, 'secret12', mode(2, 1)), lower);
      await converged(v, hi, lo, vip);

      // Graceful handover: the higher one says priority 0; the lower takes over.
      let mark = lo.lines.length;
      hi.signal('SIGTERM');
      await hi.exited(5000);
      await lo.waitForLine(MASTER, 8000, mark);
      await v.waitVip('r2', vip);
      await sleep(2500); // a few adverts: the sequence numbers move on without r1

      // The higher one comes back with its counter at 0, learns the running
      // master's numbers as a backup, then preempts with numbers above them.
      mark = lo.lines.length;
      const hi2 = v.start('r1', ahConf(1, 150, vip, 'secret12', mode(1, 2)), higher);
      await hi2.waitForLine(MASTER, 15_000);
      await lo.waitForLine(BACKUP, 8000, mark);
      await converged(v, hi2, lo, vip);

      // Hard failover.
      mark = lo.lines.length;
      hi2.signal('SIGKILL');
      await lo.waitForLine(MASTER, 8000, mark);
      await v.waitVip('r2', vip);
      await sleep(1500);
      for (const p of [hi, hi2, lo]) {
        assert.deepEqual(p.lines.filter((l) => /IPSEC|AH header/.test(l.text)).map((l) => l.text), [], 'no AH refusal on a healthy pair');
      }
    } catch (err) {
      rmSync(capFile, { force: true }); // the capture is read only when the run passed
      throw err;
    } finally {
      if (cap.pid !== undefined && cap.exitCode === null) process.kill(cap.pid, 'SIGINT');
      await sleep(200);
      v.cleanup();
    }
    try {
      const lines = ahDecoded(capFile);
      const r1 = `10.${subnet}.0.1`;
      const r2 = `10.${subnet}.0.2`;
      const from = (src: string) => lines.filter((l) => l.startsWith(`${src} `)).map((l) => l.split(' '));
      assert.ok(from(r1).length >= 6 && from(r2).length >= 3, `AH adverts from both in the capture:\n${lines.join('\n')}`);
      for (const [src, spi, , next, authType] of [...from(r1), ...from(r2)]) {
        assert.deepEqual([spi, next, authType], [spiOf(src!), '112', '2'], `tshark reads SPI = source, next header VRRP, auth type 2 (${src})`);
      }
      // Whenever the sender changes (start-up, handover, preemption by a
      // restarted router whose counter began at 0, failover), the new
      // sender's number is above the last one on the wire: nobody refused it.
      const bySeq = lines.map((l) => l.split(' ')).map((f) => ({ src: f[0]!, seq: Number(f[2]) }));
      for (let i = 1; i < bySeq.length; i++) {
        const [prev, cur] = [bySeq[i - 1]!, bySeq[i]!];
        if (cur.src !== prev.src) assert.ok(cur.seq > prev.seq, `packet ${i}: ${cur.src} seq ${cur.seq} after ${prev.src} seq ${prev.seq}\n${lines.join('\n')}`);
      }
      const plain = execFileSync('tshark', ['-r', capFile, '-Y', 'vrrp && !ah'], { encoding: 'utf8' }).trim();
      assert.equal(plain, '', 'no VRRP without AH on the wire');
      const verbose = execFileSync('tshark', ['-r', capFile, '-V', '-Y', `ah && ip.src == ${higher === 'vipkeeper' ? r1 : r2}`], { encoding: 'utf8' });
      assert.match(verbose, /Authentication Header/);
      assert.match(verbose, /AH SPI: 0x[0-9a-f]{8}/);
      assert.match(verbose, /AH Sequence: \d+/);
    } finally {
      rmSync(capFile, { force: true });
    }
  });
}

// A wrong key: each refuses the other's adverts (ICV), logs it in keepalived's
// words, never yields, and holds the VIP: a visible split brain.
for (const [lowerProg, subnet] of [['vipkeeper', 83], ['keepalived', 84]] as Array<[Program, number]>) {
  const higherProg: Program = lowerProg === 'vipkeeper' ? 'keepalived' : 'vipkeeper';
  test(`interop AH: a wrong key is refused on both sides (${lowerProg} lower: both MASTER with the VIP)`, { skip: !HAVE_KEEPALIVED && 'keepalived is not installed' }, async () => {
    const v = createVrrpLab(`ahk${subnet}`, 2, subnet);
    const vip = `10.${subnet}.0.100`;
    try {
      const hi = v.start('r1', ahConf(1, 150, vip, 'right111'), higherProg);
      const lo = v.start('r2', ahConf(2, 100, vip, 'wrong222'), lowerProg);
      await hi.waitForLine(BAD_ICV, 15_000);
      await lo.waitForLine(BAD_ICV, 15_000);
      await waitFor('both MASTER', () => hi.state() === 'MASTER' && lo.state() === 'MASTER', 15_000);
      await v.waitVip('r1', vip);
      await v.waitVip('r2', vip);
      const [h0, l0] = [hi.lines.length, lo.lines.length];
      await sleep(3000);
      assert.deepEqual([...hi.stateLines(h0), ...lo.stateLines(l0)], [], 'no state change: a refused advert never makes anyone yield');
      assert.equal(v.hasVip('r1', vip) && v.hasVip('r2', vip), true);
    } finally {
      v.cleanup();
    }
  });
}

// A reload (SIGHUP) keeps the sequence counter, as keepalived does: a MASTER
// that started again from 0 would see its adverts refused as replays by the
// backup, which would then take over.
test('interop AH: vipkeeper MASTER reloads (SIGHUP) and keepalived stays BACKUP: the sequence carries on', { skip: !HAVE_KEEPALIVED && 'keepalived is not installed' }, async () => {
  const v = createVrrpLab('ahr', 2, 79);
  const vip = '10.79.0.100';
  try {
    const hi = v.start('r1', ahConf(1, 150, vip, 'secret12'), 'vipkeeper');
    await hi.waitForLine(MASTER, 15_000);
    const lo = v.start('r2', ahConf(2, 100, vip, 'secret12'), 'keepalived');
    await converged(v, hi, lo, vip);
    const [h0, l0] = [hi.lines.length, lo.lines.length];
    hi.signal('SIGHUP');
    await hi.waitForLine(/Reloading/, 5000, h0);
    await sleep(5000); // > Master_Down_Interval (3.6 s) of the backup
    assert.deepEqual(lo.lines.slice(l0).filter((l) => /IPSEC|Entering/.test(l.text)).map((l) => l.text), [], 'keepalived refused nothing and stayed BACKUP');
    assert.deepEqual(hi.stateLines(h0), []);
    assert.equal(v.hasVip('r1', vip) && !v.hasVip('r2', vip), true);
  } finally {
    v.cleanup();
  }
});

// AH on one side, PASS on the other: nobody hears a usable advert, both hold
// the VIP. vipkeeper says why in keepalived's words whichever side it is on;
// keepalived listens only for the protocol its own instance uses, so it
// hears nothing and says nothing (docs/ah-authentication.md).
for (const [vkAuth, subnet] of [['AH', 73], ['PASS', 74]] as Array<['AH' | 'PASS', number]>) {
  const kaAuth = vkAuth === 'AH' ? 'PASS' : 'AH';
  test(`interop AH: vipkeeper ${vkAuth} and keepalived ${kaAuth} refuse each other, and vipkeeper says why`, { skip: !HAVE_KEEPALIVED && 'keepalived is not installed' }, async () => {
    const v = createVrrpLab(`ahm${subnet}`, 2, subnet);
    const vip = `10.${subnet}.0.100`;
    try {
      const vk = v.start('r1', ahConf(1, 100, vip, 'secret12', { authType: vkAuth }), 'vipkeeper');
      const ka = v.start('r2', ahConf(2, 150, vip, 'secret12', { authType: kaAuth }), 'keepalived');
      await vk.waitForLine(vkAuth === 'AH' ? /\(VI_1\) No AH header but auth type is AH/ : /\(VI_1\) Received AH header but auth type not AH/, 15_000);
      await waitFor('both MASTER', () => vk.state() === 'MASTER' && ka.state() === 'MASTER', 15_000);
      await v.waitVip('r1', vip);
      await v.waitVip('r2', vip);
      assert.deepEqual(ka.lines.filter((l) => /AH header|IPSEC|auth/.test(l.text)).map((l) => l.text), [], 'keepalived does not hear the other protocol');
    } finally {
      v.cleanup();
    }
  });
}
