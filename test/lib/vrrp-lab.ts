// A two- or three-router VRRP lab for the daemon tests: routers r1..rN and a
// client on one bridge, each router running vipkeeper or keepalived.
import { Lab, waitFor } from './lab.ts';
import { DaemonProc, hasAddress } from './daemon-proc.ts';

export interface VrrpLab {
  readonly lab: Lab;
  readonly procs: Map<string, DaemonProc>;
  start(host: string, conf: string, program?: 'vipkeeper' | 'keepalived', extraArgs?: readonly string[]): DaemonProc;
  hasVip(host: string, vip: string): boolean;
  waitVip(host: string, vip: string, present?: boolean, timeoutMs?: number): Promise<void>;
  mac(host: string, ifname?: string): string;
  /** The client's neighbour-cache MAC for an address (after pinging it), or null. */
  clientNeighMac(addr: string): string | null;
  cleanup(): void;
}

export function createVrrpLab(tag: string, routers = 2, subnet = 77): VrrpLab {
  const hosts = [];
  for (let i = 1; i <= routers; i++) hosts.push({ name: `r${i}`, ipv4: `10.${subnet}.0.${i}/24`, ipv6: `fd00:${subnet}::${i}/64` });
  hosts.push({ name: 'client', ipv4: `10.${subnet}.0.200/24`, ipv6: `fd00:${subnet}::200/64` });
  const lab = Lab.create(hosts, tag);
  const procs = new Map<string, DaemonProc>();
  return {
    lab,
    procs,
    start(host, conf, program = 'vipkeeper', extraArgs = []) {
      const p = new DaemonProc(lab, host, conf, extraArgs, program);
      procs.set(host, p);
      return p;
    },
    hasVip: (host, vip) => hasAddress(lab, host, vip),
    async waitVip(host, vip, present = true, timeoutMs = 10_000) {
      await waitFor(`${vip} ${present ? 'on' : 'gone from'} ${host}`, () => hasAddress(lab, host, vip) === present, timeoutMs, 10);
    },
    mac(host, ifname = 'eth0') {
      const j = JSON.parse(lab.exec(host, ['ip', '-j', 'link', 'show', 'dev', ifname])) as Array<{ address: string }>;
      return j[0]!.address;
    },
    clientNeighMac(addr) {
      const j = JSON.parse(lab.exec('client', ['ip', '-j', 'neigh', 'show', 'to', addr])) as Array<{ lladdr?: string }>;
      return j[0]?.lladdr ?? null;
    },
    cleanup() {
      for (const p of procs.values()) p.cleanup();
      lab.cleanup();
    },
  };
}
