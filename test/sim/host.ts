// A client host on the segment. Its ARP/neighbour cache learns a VIP's MAC only
// from announcements (gratuitous ARP / unsolicited NA), which is exactly what
// decides where clients send their traffic after a failover.

export interface ArpEntry {
  readonly mac: string;
  readonly learnedAtMs: number; // global time
}

export class SimHost {
  readonly #cache = new Map<string, ArpEntry>();
  announcementsHeard = 0;

  hearAnnouncement(vip: string, mac: string, nowMs: number): void {
    this.announcementsHeard++;
    this.#cache.set(vip, { mac, learnedAtMs: nowMs });
  }

  macFor(vip: string): string | undefined {
    return this.#cache.get(vip)?.mac;
  }

  entry(vip: string): ArpEntry | undefined {
    return this.#cache.get(vip);
  }
}
