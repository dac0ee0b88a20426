// Gratuitous ARP and unsolicited NA from host a (our Announcer over AF_PACKET)
// move host b's stale neighbour entries for the VIPs to a's MAC, and tshark in
// b's namespace decodes them with the fields keepalived uses and a good
// ICMPv6 checksum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, waitFor } from '../lib/lab.ts';
import { spawnFixture } from './fixtures/child.ts';

const MAC_A = '02:00:5e:21:00:01', MAC_B = '02:00:5e:21:00:02', MAC_OLD = '02:00:5e:21:00:99';
const VIP4 = '10.212.0.100', VIP6 = 'fd00:212::100';

test('GARP and unsolicited NA update the peer neighbour cache and decode cleanly in tshark', async () => {
  const lab = Lab.create([
    { name: 'a', ipv4: '10.212.0.1/24', ipv6: 'fd00:212::1/64', mac: MAC_A },
    { name: 'b', ipv4: '10.212.0.2/24', ipv6: 'fd00:212::2/64', mac: MAC_B },
  ], 'ga');
  const pcap = join(tmpdir(), `${lab.prefix}-garp.pcap`);
  try {
    for (const vip of [VIP4, VIP6]) lab.exec('b', ['ip', 'neigh', 'replace', vip, 'lladdr', MAC_OLD, 'dev', 'eth0', 'nud', 'stale']);
    const tcpdump = lab.spawn('b', ['tcpdump', '-i', 'eth0', '-U', '-n', '-w', pcap, 'arp or icmp6']);
    let tdErr = '';
    tcpdump.stderr!.setEncoding('utf8').on('data', (c: string) => { tdErr += c; });
    await waitFor('tcpdump listening', () => tdErr.includes('listening on'));

    const sender = spawnFixture(lab, 'a', 'announce.ts', ['eth0', `${VIP4},${VIP6}`, '2']);
    assert.equal(await sender.exited(), 0, sender.stderr());
    assert.deepEqual({ ...sender.lines[0], elapsedMs: 0 }, { garpSent: 2, naSent: 2, sendErrors: 0, overflowDropped: 0, cancelled: 0, errors: [], elapsedMs: 0 });

    const neigh = (vip: string) => lab.exec('b', ['ip', 'neigh', 'show', vip, 'dev', 'eth0']);
    await waitFor(`b's ARP entry for ${VIP4} → ${MAC_A}`, () => neigh(VIP4).includes(MAC_A));
    await waitFor(`b's ND entry for ${VIP6} → ${MAC_A}`, () => neigh(VIP6).includes(MAC_A));

    // Let tcpdump flush (-U writes each packet), then stop it by its PID.
    await waitFor('4 frames captured', () => tshark(lab, pcap, 'arp or icmpv6.type == 136', ['frame.number']).length === 4);
    tcpdump.kill('SIGINT');

    const arps = tshark(lab, pcap, 'arp', ['eth.src', 'eth.dst', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4', 'arp.isgratuitous']);
    assert.deepEqual(arps, Array(2).fill([MAC_A, 'ff:ff:ff:ff:ff:ff', '1', MAC_A, VIP4, 'ff:ff:ff:ff:ff:ff', VIP4, '1']));
    const nas = tshark(lab, pcap, 'icmpv6.type == 136', ['eth.src', 'eth.dst', 'ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'icmpv6.checksum.status', 'icmpv6.nd.na.target_address', 'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.o', 'icmpv6.nd.na.flag.s', 'icmpv6.opt.linkaddr']);
    // checksum.status 1 = Good; flags R=0, O=1, S=0.
    assert.deepEqual(nas, Array(2).fill([MAC_A, '33:33:00:00:00:01', VIP6, 'ff02::1', '255', '1', VIP6, '0', '1', '0', MAC_A]));
  } finally {
    lab.cleanup();
    rmSync(pcap, { force: true });
  }
});

function tshark(lab: Lab, file: string, filter: string, fields: string[]): string[][] {
  const out = lab.exec('b', ['tshark', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f])]);
  return out.split('\n').filter(Boolean).map((l) => l.split(','));
}
