// Whether IPv6 forwarding is on for an interface: the Router flag of the
// unsolicited NAs we send for IPv6 VIPs (keepalived does the same, and the
// kernel for its own NAs). It matters: a host that uses the VIP as its
// default router and gets an NA with R=0 must drop it from its default
// router list (RFC 4861, 7.2.5). Read from procfs, which shows the network
// namespace of the reading process; cached for 5 s, as keepalived rechecks.
import { readFileSync } from 'node:fs';

const RECHECK_MS = 5000;
const cache = new Map<string, { forwarding: boolean; atMs: number }>();

export function ipv6Forwarding(ifname: string, nowMs = performance.now()): boolean {
  const hit = cache.get(ifname);
  if (hit !== undefined && nowMs - hit.atMs < RECHECK_MS) return hit.forwarding;
  let forwarding = false;
  try {
    forwarding = readFileSync(`/proc/sys/net/ipv6/conf/${ifname}/forwarding`, 'utf8').trim() === '1';
  } catch {
    // No IPv6 on this interface (or no such interface): not a router there.
  }
  cache.set(ifname, { forwarding, atMs: nowMs });
  return forwarding;
}
