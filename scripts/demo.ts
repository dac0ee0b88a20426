// The demo: two vipkeeper routers and a client in network namespaces. The
// client pings the VIP; the master is killed (SIGKILL); the demo prints when
// the backup took over and how long the client saw no replies. Everything it
// made is removed at the end, also on failure or Ctrl-C.
import { Lab, waitFor } from '../test/lib/lab.ts';
import { DaemonProc, hasAddress } from '../test/lib/daemon-proc.ts';
import { Pinger } from '../test/lib/pinger.ts';

const VIP = '10.77.0.100';
const ADVERT_INT = '0.1';

const config = (priority: number) => `
global_defs {
  router_id demo_${priority}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  version 3
  advert_int ${ADVERT_INT}
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;

const say = (msg: string) => process.stdout.write(`demo: ${msg}\n`);

async function main(): Promise<void> {
  const lab = Lab.create([
    { name: 'r1', ipv4: '10.77.0.1/24' },
    { name: 'r2', ipv4: '10.77.0.2/24' },
    { name: 'client', ipv4: '10.77.0.10/24' },
  ], 'demo');
  const procs: DaemonProc[] = [];
  let pinger: Pinger | null = null;
  try {
    say(`lab ${lab.prefix}: r1 (priority 150), r2 (priority 100), client; VIP ${VIP}, VRRPv3 advert_int ${ADVERT_INT}s`);
    const r1 = new DaemonProc(lab, 'r1', config(150));
    procs.push(r1);
    await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/, 10_000);
    const r2 = new DaemonProc(lab, 'r2', config(100));
    procs.push(r2);
    await r2.waitForLine(/\(VI_1\) Entering BACKUP STATE/, 10_000);
    await waitFor('VIP on r1', () => hasAddress(lab, 'r1', VIP));
    say('r1 is MASTER and holds the VIP; r2 is BACKUP');

    pinger = new Pinger(lab, 'client', VIP, 0.005);
    await waitFor('client replies', () => pinger!.replies.length >= 20, 5000);
    say(`client pings ${VIP} every 5 ms: ${pinger.replies.length} replies so far`);

    const killedAt = performance.now();
    // A crash that takes the master off the wire: the process dies and its
    // link goes dark, so its kernel no longer answers for the VIP either.
    r1.signal('SIGKILL');
    lab.setLink('r1', false, 'bridge');
    say('r1 crashed: killed (SIGKILL) and its link cut at the switch');
    const masterLine = await r2.waitForLine(/\(VI_1\) Entering MASTER STATE/, 10_000);
    await waitFor('VIP on r2', () => hasAddress(lab, 'r2', VIP), 5000, 2);
    const vipAt = performance.now();
    await waitFor('client replies again', () => pinger!.replies.some((t) => t > vipAt), 5000);
    await new Promise((r) => setTimeout(r, 300));
    const { gapMs } = pinger.largestGapAfter(killedAt);
    const boundMs = 3 * 100 + ((256 - 100) * 100) / 256;
    say(`r2 entered MASTER ${(masterLine.at - killedAt).toFixed(0)} ms after the kill (protocol bound from r1's last advert: ${boundMs.toFixed(0)} ms)`);
    say(`VIP on r2 ${(vipAt - killedAt).toFixed(0)} ms after the kill (polled)`);
    say(`client saw no replies for ${gapMs.toFixed(0)} ms`);
    say('r2 log:');
    for (const l of r2.lines) process.stdout.write(`  ${l.text}\n`);
  } finally {
    pinger?.stop();
    for (const p of procs) p.cleanup();
    lab.cleanup();
    say('cleaned up');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
