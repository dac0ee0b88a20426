// A lone router with several interfaces and 250 VRIDs on each, for the
// start-up and resource benchmarks. Extra interfaces are veths whose peers sit
// unbridged in the lab's bridge namespace: each is its own L2 segment, so an
// instance never hears its namesake VRID from a sibling interface (macvlans
// in bridge mode would loop multicast between siblings and make the router
// fight itself over the tie-break).
import { ip, type Lab } from '../../../test/lib/lab.ts';
import { config, type InstanceOptions } from '../../../test/lib/conf.ts';

export const VRIDS_PER_IF = 250;

/** Adds eth1..eth<count-1> to `host` (eth0 exists), each up with 10.<subnet>.<i>.1/24. */
export function addInterfaces(lab: Lab, host: string, count: number, subnet: number): string[] {
  const ns = lab.host(host).ns;
  const names = ['eth0'];
  for (let i = 1; i < count; i++) {
    const peer = `${host}x${i}`;
    ip('-n', lab.bridgeNs, 'link', 'add', 'name', peer, 'type', 'veth', 'peer', 'name', `eth${i}`, 'netns', ns);
    ip('-n', lab.bridgeNs, 'link', 'set', 'dev', peer, 'up');
    ip('-n', ns, 'link', 'set', `eth${i}`, 'up');
    ip('-n', ns, 'addr', 'add', `10.${subnet}.${i}.1/24`, 'dev', `eth${i}`);
    names.push(`eth${i}`);
  }
  return names;
}

/** The VIP of instance (interface index, vrid): 10.<80+i>.0.<vrid>, one /32 each. */
export function vipOf(ifIndex: number, vrid: number): string {
  return `10.${80 + ifIndex}.0.${vrid}`;
}

/** `state MASTER`, priority 100, VRRPv3, advert_int 1: vridsPerIf instances on each interface. */
export function manyConfig(ifnames: readonly string[], vridsPerIf: number): { text: string; vips: string[] } {
  const instances: InstanceOptions[] = [];
  const vips: string[] = [];
  ifnames.forEach((ifname, i) => {
    for (let vrid = 1; vrid <= vridsPerIf; vrid++) {
      const vip = vipOf(i, vrid);
      vips.push(vip);
      instances.push({ name: `VI_${i}_${vrid}`, ifname, vrid, priority: 100, state: 'MASTER', version: 3, advertInt: '1', vips: [`${vip}/32`] });
    }
  });
  return { text: config('bench_many', instances), vips };
}
