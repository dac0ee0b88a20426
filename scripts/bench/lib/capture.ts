// tcpdump on a lab host's eth0: VRRP adverts and ARP, with the kernel's
// receive timestamps (-tt: epoch seconds). -l keeps it line-buffered.
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../../../test/lib/lab.ts';
import { onLines } from './lines.ts';

export interface AdvertSeen {
  readonly atS: number;
  readonly src: string;
  readonly vrid: number;
  readonly prio: number;
}

export interface GarpSeen {
  readonly atS: number;
  readonly address: string; // the "tell" address, which is the VIP in a gratuitous ARP
}

export class Capture {
  readonly adverts: AdvertSeen[] = [];
  readonly garps: GarpSeen[] = [];
  ready = false;
  readonly #child: ChildProcess;

  constructor(lab: Lab, host: string, ifname = 'eth0') {
    this.#child = lab.spawn(host, ['tcpdump', '-tt', '-n', '-l', '-i', ifname, 'ip proto 112 or arp']);
    onLines(this.#child, 'stderr', (line) => { if (/listening on/.test(line)) this.ready = true; });
    onLines(this.#child, 'stdout', (line) => {
      // 1764148000.123456 IP 10.77.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12
      const a = /^(\d+\.\d+) IP (\S+) > \S+ VRRPv\d, Advertisement, vrid (\d+), prio (\d+)/.exec(line);
      if (a) {
        this.adverts.push({ atS: Number(a[1]), src: a[2]!, vrid: Number(a[3]), prio: Number(a[4]) });
        return;
      }
      // 1764148000.123456 ARP, Request who-has 10.77.0.100 (ff:ff:ff:ff:ff:ff) tell 10.77.0.100, length 28
      const g = /^(\d+\.\d+) ARP, (?:Request|Reply) who-has (\S+) .*tell (\S+?),/.exec(line);
      if (g && g[2] === g[3]) this.garps.push({ atS: Number(g[1]), address: g[2]! });
    });
  }

  from(src: string): AdvertSeen[] {
    return this.adverts.filter((a) => a.src === src);
  }

  stop(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, 'SIGKILL');
  }
}
