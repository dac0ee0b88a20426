// Unicast mode, IPv6 (VRRPv3) and use_vmac, each against a second vipkeeper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createVrrpLab } from '../lib/vrrp-lab.ts';
import { waitFor } from '../lib/lab.ts';
import { config } from '../lib/conf.ts';
import { Capture, vrrpAdvert } from '../lib/capture.ts';
import { masterDownIntervalMs } from '../lib/vrrp-timing.ts';

const MASTER = /\(VI_1\) Entering MASTER STATE/;
const BACKUP = /\(VI_1\) Entering BACKUP STATE/;

test('unicast: peers elect and fail over without multicast', async () => {
  const v = createVrrpLab('uc', 2, 81);
  const caps: Capture[] = [];
  try {
    const vip = '10.81.0.100';
    const advertMs = 100; // VRRPv3 default of conf.ts
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3, unicastSrc: '10.81.0.1', unicastPeers: ['10.81.0.2'] }]));
    const r2 = v.start('r2', config('r2', [{ priority: 100, vips: [`${vip}/24`], version: 3, unicastSrc: '10.81.0.2', unicastPeers: ['10.81.0.1'] }]));
    await waitFor('r1 MASTER and r2 BACKUP', () => r1.state() === 'MASTER' && r2.state() === 'BACKUP', 10_000);
    await v.waitVip('r1', vip);
    // The adverts really are unicast: over 10 advert intervals the client,
    // which is no peer, captures none, while the same capture on the peer
    // (the control: the method does see adverts) gets r1's, addressed to r2.
    const atClient = await Capture.start(v.lab, 'client', 'ip proto 112');
    caps.push(atClient);
    const atPeer = await Capture.start(v.lab, 'r2', 'ip proto 112');
    caps.push(atPeer);
    await new Promise((r) => setTimeout(r, 10 * advertMs));
    const clientFrames = await atClient.stop();
    const peerFrames = (await atPeer.stop()).map((f) => vrrpAdvert(f.data));
    assert.equal(clientFrames.length, 0, 'the client must not receive unicast adverts');
    assert.ok(peerFrames.length >= 5, `the peer captured ${peerFrames.length} adverts in 10 intervals`);
    assert.ok(peerFrames.every((a) => a?.src === '10.81.0.1' && a.dst === '10.81.0.2'), JSON.stringify(peerFrames));
    const mark = r2.lines.length;
    const t0 = performance.now();
    r1.signal('SIGKILL');
    const took = await r2.waitForLine(MASTER, 5000, mark);
    const limitMs = masterDownIntervalMs(advertMs, 100) + 1000;
    assert.ok(took.at - t0 <= limitMs, `takeover ${(took.at - t0).toFixed(0)} ms after SIGKILL; want ≤ ${limitMs.toFixed(0)} ms`);
    await v.waitVip('r2', vip);
  } finally {
    for (const c of caps) c.dispose();
    v.cleanup();
  }
});

test('IPv6 (VRRPv3): the master holds the IPv6 VIP; failover moves it and the client\'s neighbour entry; NA R flag = forwarding', async () => {
  const v = createVrrpLab('v6', 2, 82);
  const pcap = `/tmp/vk${process.pid}-v6na.pcap`;
  try {
    const vip = 'fd00:82::100';
    // r1 forwards IPv6 and r2 does not: the Router flag of each one's NAs
    // must follow (a host using the VIP as its gateway drops it on R=0).
    v.lab.exec('r1', ['sysctl', '-q', '-w', 'net.ipv6.conf.eth0.forwarding=1']);
    const cap = v.lab.spawn('client', ['tcpdump', '-n', '-U', '-i', 'eth0', '-w', pcap, 'icmp6 and ip6[40] == 136']);
    let capErr = '';
    cap.stderr?.on('data', (b: Buffer) => { capErr += b.toString(); });
    await waitFor('tcpdump to listen', () => /listening on/.test(capErr), 10_000);
    const { r1, r2 } = await v.startPair(vip);
    assert.equal(v.lab.tryExec('client', ['ping', '-6', '-c', '1', '-W', '2', vip]).status, 0);
    assert.equal(v.clientNeighMac(vip), v.mac('r1'));
    r1.signal('SIGKILL');
    await r2.waitForLine(MASTER, 5000);
    await v.waitVip('r2', vip);
    await v.waitClientNeigh(vip, v.mac('r2')); // moved by the unsolicited NA
    const nas = () => execFileSync('tshark', ['-r', pcap, '-Y', `icmpv6.nd.na.target_address == ${vip}`, '-T', 'fields', '-E', 'separator=,',
      '-e', 'eth.src', '-e', 'icmpv6.nd.na.flag.r', '-e', 'icmpv6.nd.na.flag.o'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    await waitFor('an NA from each router in the capture', () => {
      const seen = nas();
      return seen.some((l) => l.startsWith(v.mac('r1'))) && seen.some((l) => l.startsWith(v.mac('r2')));
    }, 5000, 100);
    cap.kill('SIGINT');
    const flags = new Set(nas());
    assert.deepEqual([...flags].sort(), [`${v.mac('r1')},1,1`, `${v.mac('r2')},0,1`].sort(), 'R follows each router\'s forwarding sysctl; O always set');
  } finally {
    v.cleanup();
    rmSync(pcap, { force: true });
  }
});

test('use_vmac: the VIP lives on a macvlan with 00:00:5e:00:01:VRID, which answers ARP for it on either master', async () => {
  const v = createVrrpLab('vm', 2, 83);
  const vmac = '00:00:5e:00:01:2a';
  // Who answers an ARP query for the VIP: "Unicast reply from 10.83.0.100 [00:00:5E:00:01:2A]".
  const arpAnswerMac = (vip: string): string | null => {
    const out = v.lab.tryExec('client', ['arping', '-c', '1', '-w', '2', '-I', 'eth0', vip]).stdout;
    return /\[([0-9A-Fa-f:]{17})\]/.exec(out)?.[1]?.toLowerCase() ?? null;
  };
  try {
    const vip = '10.83.0.100';
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: [`${vip}/24`], version: 3, vrid: 42, useVmac: true }]));
    const r2 = v.start('r2', config('r2', [{ priority: 100, vips: [`${vip}/24`], version: 3, vrid: 42, useVmac: true }]));
    await r1.waitForLine(MASTER);
    await r2.waitForLine(BACKUP);
    await v.waitVip('r1', vip);
    assert.equal(v.mac('r1', 'vrrp.42'), vmac);
    assert.match(v.lab.exec('r1', ['ip', '-d', 'link', 'show', 'dev', 'vrrp.42']), /macvlan mode private/);
    assert.match(v.lab.exec('r1', ['ip', '-o', 'addr', 'show', 'dev', 'vrrp.42']), /10\.83\.0\.100\/24/);
    assert.equal(arpAnswerMac(vip), vmac);
    // A crash that takes r1 off the wire: its macvlan (same VMAC) must not answer any more.
    r1.signal('SIGKILL');
    v.lab.setLink('r1', false, 'bridge');
    await r2.waitForLine(MASTER, 5000);
    await v.waitVip('r2', vip);
    assert.equal(arpAnswerMac(vip), vmac, 'the VMAC moves with the VIP');
    assert.equal(v.lab.tryExec('client', ['ping', '-c', '1', '-W', '2', vip]).status, 0);
    // A graceful stop removes the macvlan it made.
    r2.signal('SIGTERM');
    assert.equal(await r2.exited(3000), 0);
    assert.equal(v.lab.tryExec('r2', ['ip', 'link', 'show', 'dev', 'vrrp.42']).status !== 0, true, 'vrrp.42 removed on stop');
  } finally {
    v.cleanup();
  }
});

test('a VIP with `dev eth1` is added on eth1 and announced from eth1, not from the instance\'s interface', async () => {
  const v = createVrrpLab('dv', 1, 102);
  try {
    const ns = v.lab.host('r1').ns;
    execFileSync('ip', ['-n', v.lab.bridgeNs, 'link', 'add', 'name', 'r1b', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns]);
    execFileSync('ip', ['-n', v.lab.bridgeNs, 'link', 'set', 'dev', 'r1b', 'master', 'br0', 'up']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'dev', 'eth1', 'up']);
    const eth1Mac = v.mac('r1', 'eth1');
    const cap = v.lab.spawn('client', ['tcpdump', '-n', '-e', '-l', '-i', 'eth0', 'arp']);
    let seen = '';
    cap.stdout?.on('data', (b: Buffer) => { seen += b.toString(); });
    cap.stderr?.on('data', (b: Buffer) => { seen += b.toString(); });
    await waitFor('tcpdump to listen', () => /listening on/.test(seen), 10_000);
    const r1 = v.start('r1', config('r1', [{ priority: 150, vips: ['10.102.0.100/24', '10.102.1.100/24 dev eth1'], version: 3 }]));
    await r1.waitForLine(MASTER);
    await v.waitVip('r1', '10.102.1.100');
    assert.match(v.lab.exec('r1', ['ip', '-o', 'addr', 'show', 'dev', 'eth1']), /10\.102\.1\.100\/24/);
    await waitFor('GARP for the eth1 VIP', () => /Request who-has 10\.102\.1\.100 .*tell 10\.102\.1\.100/.test(seen), 5000);
    const line = seen.split('\n').find((l) => /who-has 10\.102\.1\.100 .*tell 10\.102\.1\.100/.test(l))!;
    assert.ok(line.startsWith(`${line.split(' ')[0]} ${eth1Mac} >`), `GARP must leave eth1 (${eth1Mac}): ${line}`);
  } finally {
    v.cleanup();
  }
});
