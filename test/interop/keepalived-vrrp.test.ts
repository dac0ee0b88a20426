// vipkeeper against Debian's keepalived 2.2.7 in one lab, each direction
// (vipkeeper higher, keepalived higher): v2 with auth PASS, v3 IPv4, v3 IPv6
// and unicast. Each case checks convergence to one MASTER holding the VIP,
// graceful handover (SIGTERM), preemption on return and hard failover
// (SIGKILL); tshark then checks the checksum of every advert captured,
// vipkeeper's among them.
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
const HAVE_KEEPALIVED = existsSync('/usr/sbin/keepalived');

interface Mode {
  readonly name: string;
  readonly subnet: number;
  readonly vip: string;
  readonly opts: (self: number, peer: number) => Partial<InstanceOptions>;
  readonly advertMs: number;
}

const MODES: Mode[] = [
  { name: 'v2 auth PASS', advertMs: 1000, subnet: 91, vip: '10.91.0.100', opts: () => ({ version: 2, advertInt: '1', authPass: 'secret12' }) },
  { name: 'v2 no auth', advertMs: 1000, subnet: 90, vip: '10.90.0.100', opts: () => ({ version: 2, advertInt: '1' }) },
  { name: 'v3 IPv4', advertMs: 100, subnet: 92, vip: '10.92.0.100', opts: () => ({ version: 3, advertInt: '0.1' }) },
  { name: 'v3 IPv6', advertMs: 100, subnet: 93, vip: 'fd00:93::100', opts: () => ({ version: 3, advertInt: '0.1' }) },
  { name: 'v3 unicast', advertMs: 100, subnet: 94, vip: '10.94.0.100', opts: (self, peer) => ({ version: 3, advertInt: '0.1', unicastSrc: `10.94.0.${self}`, unicastPeers: [`10.94.0.${peer}`] }) },
];

type Program = 'vipkeeper' | 'keepalived';

function conf(mode: Mode, host: number, peer: number, priority: number): string {
  const prefix = mode.vip.includes(':') ? 64 : 24;
  return config(`r${host}`, [{ priority, vips: [`${mode.vip}/${prefix}`], ...mode.opts(host, peer) }]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Converged: `master` (on r1) is MASTER with the VIP and `backup` (on r2) is
 * BACKUP without it, now — not merely "has logged BACKUP once", which the
 * "(init)" line satisfies before any advert was heard — and both stay so for
 * `holdMs`, many advert intervals, with no state change on either side.
 */
async function converged(v: VrrpLab, master: DaemonProc, backup: DaemonProc, vip: string, holdMs: number): Promise<void> {
  await waitFor('r1 MASTER and r2 BACKUP', () => master.state() === 'MASTER' && backup.state() === 'BACKUP', 15_000);
  await v.waitVip('r1', vip);
  await v.waitVip('r2', vip, false);
  const [m0, b0] = [master.lines.length, backup.lines.length];
  await sleep(holdMs);
  assert.deepEqual([...master.stateLines(m0), ...backup.stateLines(b0)], [], 'no state change once converged');
  assert.equal(v.hasVip('r1', vip) && !v.hasVip('r2', vip), true, 'one MASTER holds the VIP');
}

/** tshark's checksum verdict for every VRRP packet in a capture: one line "src status" each. */
function checksumVerdicts(file: string): string[] {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'vrrp', '-T', 'fields', '-E', 'separator=/s',
    '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'vrrp.checksum.status'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

for (const mode of MODES) {
  for (const higher of ['vipkeeper', 'keepalived'] as Program[]) {
    const lower: Program = higher === 'vipkeeper' ? 'keepalived' : 'vipkeeper';
    test(`interop ${mode.name}: ${higher} (150) and ${lower} (100)`, { skip: !HAVE_KEEPALIVED && 'keepalived is not installed' }, async () => {
      const v = createVrrpLab(`io${mode.subnet}${higher[0]}`, 2, mode.subnet);
      const capFile = `/tmp/vk${process.pid}-${mode.subnet}${higher[0]}.pcap`;
      // r2 runs `lower`; capturing there sees every advert of r1, unicast included, and r2's own.
      const cap = v.lab.spawn('r2', ['tcpdump', '-n', '-U', '-i', 'eth0', '-w', capFile, 'ip proto 112 or ip6 proto 112']);
      let capStderr = '';
      cap.stderr?.on('data', (b: Buffer) => { capStderr += b.toString(); });
      try {
        // tcpdump says "listening on" once its socket is open: only then do the daemons start.
        await waitFor('tcpdump to listen', () => /listening on/.test(capStderr), 10_000);
        const hi = v.start('r1', conf(mode, 1, 2, 150), higher);
        const lo = v.start('r2', conf(mode, 2, 1, 100), lower);
        // Both start at once: whichever is up first may be MASTER for a moment.
        const holdMs = Math.max(3 * mode.advertMs, 1000);
        await converged(v, hi, lo, mode.vip, holdMs);

        // Graceful handover: the higher one stops; the lower takes over.
        let mark = lo.lines.length;
        hi.signal('SIGTERM');
        await hi.exited(5000);
        await lo.waitForLine(MASTER, 8000, mark);
        await v.waitVip('r2', mode.vip);

        // The higher one comes back and preempts.
        mark = lo.lines.length;
        const hi2 = v.start('r1', conf(mode, 1, 2, 150), higher);
        await hi2.waitForLine(MASTER, 15_000);
        await lo.waitForLine(BACKUP, 8000, mark);
        await converged(v, hi2, lo, mode.vip, holdMs);

        // Hard failover: the higher one dies without a word.
        mark = lo.lines.length;
        hi2.signal('SIGKILL');
        await lo.waitForLine(MASTER, 8000, mark);
        await v.waitVip('r2', mode.vip);
        await sleep(300);
      } finally {
        if (cap.pid !== undefined && cap.exitCode === null) process.kill(cap.pid, 'SIGINT');
        await sleep(200);
        v.cleanup();
      }
      try {
        const verdicts = checksumVerdicts(capFile);
        const fromR1 = verdicts.filter((l) => l.startsWith(`10.${mode.subnet}.0.1 `) || l.startsWith('fe80'));
        const fromR2 = verdicts.filter((l) => l.startsWith(`10.${mode.subnet}.0.2 `));
        assert.ok(fromR1.length >= 3, `adverts from r1 in the capture:\n${verdicts.join('\n')}`);
        if (!mode.vip.includes(':')) assert.ok(fromR2.length >= 1, `adverts from r2 (MASTER at the end) in the capture:\n${verdicts.join('\n')}`);
        const bad = verdicts.filter((l) => !/ (1|Good)$/.test(l));
        assert.deepEqual(bad, [], 'every advert has checksum status Good');
      } finally {
        rmSync(capFile, { force: true });
      }
    });
  }
}

// Each direction: the lower-priority side must not yield to adverts it
// rejects, so it too becomes MASTER and holds the VIP (a split brain that a
// wrong password is meant to cause, visibly, rather than a silent yield).
for (const lowerProg of ['vipkeeper', 'keepalived'] as Program[]) {
  const higherProg: Program = lowerProg === 'vipkeeper' ? 'keepalived' : 'vipkeeper';
  test(`interop: a mismatched password is rejected on both sides (${lowerProg} lower: both MASTER with the VIP)`, { skip: !HAVE_KEEPALIVED && 'keepalived is not installed' }, async () => {
    const v = createVrrpLab(`iopw${lowerProg[0]}`, 2, lowerProg === 'vipkeeper' ? 95 : 96);
    const vip = `10.${lowerProg === 'vipkeeper' ? 95 : 96}.0.100`;
    try {
      const base = { version: 2 as const, advertInt: '1', vips: [`${vip}/24`] };
      const hi = v.start('r1', config('r1', [{ ...base, priority: 150, authPass: 'right111' }]), higherProg);
      const lo = v.start('r2', config('r2', [{ ...base, priority: 100, authPass: 'wrong222' }]), lowerProg);
      // Both say it in keepalived's words.
      await hi.waitForLine(/\(VI_1\) received an invalid passwd!/, 15_000);
      await lo.waitForLine(/\(VI_1\) received an invalid passwd!/, 15_000);
      await waitFor('both MASTER', () => hi.state() === 'MASTER' && lo.state() === 'MASTER', 15_000);
      await v.waitVip('r1', vip);
      await v.waitVip('r2', vip);
      // And they stay so: nobody yields to an advert it rejected.
      const [h0, l0] = [hi.lines.length, lo.lines.length];
      await sleep(3000);
      assert.deepEqual([...hi.stateLines(h0), ...lo.stateLines(l0)], [], 'no state change: a rejected advert never makes anyone yield');
      assert.equal(v.hasVip('r1', vip) && v.hasVip('r2', vip), true);
    } finally {
      v.cleanup();
    }
  });
}
