// `ip -ts monitor address` inside a lab host: when each address was added or
// deleted, in epoch seconds. The timestamp is taken when `ip` reads the
// netlink message, so a starved `ip` would stamp late; it runs under
// SCHED_FIFO (chrt) to keep that error small on a loaded machine. It only
// observes the daemons, it does not compete with them for long: it sleeps
// in recv between events.
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../../../test/lib/lab.ts';
import { parseIsoLocalS } from './clock.ts';
import { onLines } from './lines.ts';

export interface AddressEvent {
  readonly atS: number;
  readonly added: boolean;
  readonly address: string; // without prefix length
  readonly ifname: string;
}

export class AddressMonitor {
  readonly events: AddressEvent[] = [];
  readonly #child: ChildProcess;

  constructor(lab: Lab, host: string) {
    this.#child = lab.spawn(host, ['chrt', '-f', '20', 'ip', '-ts', 'monitor', 'address']);
    onLines(this.#child, 'stdout', (line) => {
      // [2026-11-26T09:06:20.280063] Deleted 1: lo    inet 10.99.0.1/32 scope global lo
      const m = /^\[([^\]]+)\]\s+(Deleted\s+)?\d+:\s+(\S+)\s+inet6?\s+([0-9a-f.:]+)/.exec(line);
      if (!m) return;
      this.events.push({ atS: parseIsoLocalS(m[1]!), added: m[2] === undefined, ifname: m[3]!, address: m[4]! });
    });
  }

  /** First time `address` was added at or after `sinceS`, or null. */
  firstAdd(address: string, sinceS = 0): number | null {
    return this.events.find((e) => e.added && e.address === address && e.atS >= sinceS)?.atS ?? null;
  }

  addedSet(sinceS = 0): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.events) if (e.added && e.atS >= sinceS && !out.has(e.address)) out.set(e.address, e.atS);
    return out;
  }

  deletions(sinceS: number): AddressEvent[] {
    return this.events.filter((e) => !e.added && e.atS >= sinceS);
  }

  stop(): void {
    if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, 'SIGKILL');
  }
}
