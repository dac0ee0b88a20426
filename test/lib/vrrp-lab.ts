// A two- or three-router VRRP lab for the daemon tests: routers r1..rN and a
// client on one bridge, each router running vipkeeper or keepalived.
import { Lab, waitFor } from './lab.ts';
import { DaemonProc, hasAddress } from './daemon-proc.ts';
import { config, type InstanceOptions } from './conf.ts';

export interface VrrpLab {
  readonly lab: Lab;
  readonly procs: Map<string, DaemonProc>;
  start(host: string, conf: string, program?: 'vipkeeper' | 'keepalived', extraArgs?: readonly string[]): DaemonProc;
  hasVip(host: string, vip: string): boolean;
  waitVip(host: string, vip: string, present?: boolean, timeoutMs?: number): Promise<void>;
  mac(host: string, ifname?: string): string;
  /** The client's neighbour-cache MAC for an address (after pinging it), or null. */
  clientNeighMac(addr: string): string | null;
  /** Waits until the client's neighbour entry for `addr` points at `mac` (moved by GARP/NA). */
  waitClientNeigh(addr: string, mac: string, timeoutMs?: number): Promise<void>;
  /** Starts r1 (priority 150), waits for it to be MASTER with the VIP, then r2 (100) as BACKUP; one single-VIP VRRPv3 instance. */
  startPair(vip: string, extra?: Partial<InstanceOptions>): Promise<{ r1: DaemonProc; r2: DaemonProc }>;
  cleanup(): void;
}

export function createVrrpLab(tag: string, routers = 2, subnet = 77): VrrpLab {
  const hosts = [];
  for (let i = 1; i <= routers; i++) hosts.push({ name: `r${i}`, ipv4: `10.${subnet}.0.${i}/24`, ipv6: `fd00:${subnet}::${i}/64` });
  hosts.push({ name: 'client', ipv4: `10.${subnet}.0.200/24`, ipv6: `fd00:${subnet}::200/64` });
  const lab = Lab.create(hosts, tag);
  const procs = new Map<string, DaemonProc>();
  const all: DaemonProc[] = []; // every process started, also those a restart replaced in `procs`
  return {
    lab,
    procs,
    start(host, conf, program = 'vipkeeper', extraArgs = []) {
      const p = new DaemonProc(lab, host, conf, extraArgs, program);
      procs.set(host, p);
      all.push(p);
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
    async waitClientNeigh(addr, mac, timeoutMs = 3000) {
      await waitFor(`client neighbour entry for ${addr} → ${mac}`, () => this.clientNeighMac(addr) === mac, timeoutMs, 20);
    },
    async startPair(vip, extra = {}) {
      const prefix = vip.includes(':') ? 64 : 24;
      const inst = (priority: number) => ({ priority, vips: [`${vip}/${prefix}`], version: 3 as const, ...extra });
      // r1 first: a backup that joins a running master must never flap (the
      // tests that use this assume r2 was never MASTER).
      const r1 = this.start('r1', config('r1', [inst(150)]));
      await r1.waitForLine(/\(VI_1\) Entering MASTER STATE/);
      await this.waitVip('r1', vip);
      const r2 = this.start('r2', config('r2', [inst(100)]));
      await r2.waitForLine(/\(VI_1\) Entering BACKUP STATE/);
      return { r1, r2 };
    },
    cleanup() {
      for (const p of all) p.cleanup();
      lab.cleanup();
    },
  };
}
