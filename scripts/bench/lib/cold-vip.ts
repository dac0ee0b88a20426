// Run inside a lab namespace by netlink-path.ts: what a fresh
// daemon process pays the first time it adds a VIP (cold code), with and
// without the RTM_GETLINK lookup that addVip makes when no ifindex is given,
// and the same again warm. Prints one JSON line.
import { Rtnl } from '../../../src/net/netlink.ts';
import { addVip, type VipSpec } from '../../../src/net/addresses.ts';

const nl = Rtnl.open();
const spec = (n: number): VipSpec => ({ address: `10.99.0.${n}`, family: 4, prefixLength: 32, dev: 'eth0' });
const time = async (fn: () => Promise<unknown>): Promise<number> => { const t0 = performance.now(); await fn(); return performance.now() - t0; };
const withLookup = process.argv[2] === 'lookup';
const out: Record<string, number> = {};
const index = (await nl.link('eth0'))!.index;
out.firstAddMs = await time(() => (withLookup ? addVip(nl, spec(1)) : addVip(nl, spec(1), index)));
out.secondAddMs = await time(() => (withLookup ? addVip(nl, spec(2)) : addVip(nl, spec(2), index)));
out.linkLookupMs = await time(() => nl.link('eth0'));
console.log(JSON.stringify(out));
nl.close();
