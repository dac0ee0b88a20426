// use_vmac as keepalived 2.x does it (read from keepalived's vrrp_vmac.c and
// vrrp_if_config.c, behaviour only): a macvlan in *private* mode on the base
// interface, named vrrp.<VRID> unless configured, with the VRRP virtual MAC
// 00:00:5e:00:01:<VRID> (IPv4) or 00:00:5e:00:02:<VRID> (IPv6), no automatic
// IPv6 link-local (addr_gen_mode none), brought up; and keepalived's sysctls:
//   vmac: arp_ignore=1; IPv4 also accept_local=1, rp_filter=0, promote_secondaries=1;
//         disable_ipv6=1 for an IPv4 instance with no IPv6 eVIPs;
//   base (IPv4): arp_ignore=1, arp_filter=1, restored when its last VMAC goes;
//   all.rp_filter: if non-zero, pushed down to default and to each interface,
//         then set to 0 (rp_filter=0 on the VMAC is otherwise overridden); restored on close().
// An IPv6 VMAC gets the base's link-local address (or one made from the base
// MAC) so adverts leave from a non-VIP address with the virtual MAC.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { Family } from '../base/ip.ts';
import { isIpv6LinkLocal } from '../base/ip.ts';
import { AF_INET6, isNetlinkError, NetlinkError, type LinkInfo, type Rtnl } from './netlink.ts';
import { encodeAttrs, parseMac, u32, u8 } from './rtattr.ts';

export const MACVLAN_MODE_PRIVATE = 1;
const IFLA_MACVLAN_MODE = 1;
const IFLA_INET6_ADDR_GEN_MODE = 8;
const IN6_ADDR_GEN_MODE_NONE = 1;

export interface VmacSpec {
  readonly baseIfname: string;
  readonly vrid: number;
  readonly family: Family;
  readonly name?: string | null; // default vrrp.<VRID>
  readonly mac?: string | null; // default the VRRP virtual MAC
  /** Keep IPv6 on an IPv4 VMAC (it carries IPv6 eVIPs). */
  readonly ipv6?: boolean;
}

export const vmacName = (spec: Pick<VmacSpec, 'vrid' | 'name'>): string => spec.name ?? `vrrp.${spec.vrid}`;

export function vmacMac(vrid: number, family: Family): string {
  return `00:00:5e:00:0${family === 6 ? 2 : 1}:${vrid.toString(16).padStart(2, '0')}`;
}

/** fe80::/64 EUI-64 link-local address from a MAC (RFC 4291 appendix A). */
export function eui64LinkLocal(mac: string): string {
  const m = parseMac(mac);
  if (!m) throw new NetlinkError('EINVAL', 'parse', `not a MAC: ${mac}`);
  const w = (a: number, b: number): string => ((a << 8) | b).toString(16);
  return `fe80::${w(m[0]! ^ 2, m[1]!)}:${w(m[2]!, 0xff)}:${w(0xfe, m[3]!)}:${w(m[4]!, m[5]!)}`;
}

export interface Vmac { readonly index: number; readonly name: string; readonly mac: string; readonly created: boolean }

type SysctlKey = string; // path under /proc/sys

export class VmacManager {
  readonly #nl: Rtnl;
  readonly #procSys: string;
  /** Base interface name → our IPv4 VMACs on it, and its original arp_ignore/arp_filter. */
  readonly #bases = new Map<string, { vmacs: Set<string>; saved: Map<SysctlKey, string> }>();
  #rpFilterSaved: Map<SysctlKey, string> | null = null;

  constructor(nl: Rtnl, opts: { procSys?: string } = {}) {
    this.#nl = nl;
    this.#procSys = opts.procSys ?? '/proc/sys';
  }

  /** Creates the VMAC, or reuses/fixes the one a previous run left; then sysctls, link-local, up. */
  async ensure(spec: VmacSpec): Promise<Vmac> {
    const base = await this.#nl.link(spec.baseIfname);
    if (!base) throw new NetlinkError('ENODEV', 'RTM_NEWLINK', `use_vmac: no base interface ${spec.baseIfname}`);
    const name = vmacName(spec);
    const mac = (spec.mac ?? vmacMac(spec.vrid, spec.family)).toLowerCase();
    const { link, created } = await this.#createOrFix(base, name, mac);
    await this.#sysctls(spec, name);
    await this.#ipv6Setup(spec, base, link);
    await this.#nl.setLink({ index: link.index, up: true });
    return { index: link.index, name, mac, created };
  }

  async #createOrFix(base: LinkInfo, name: string, mac: string): Promise<{ link: LinkInfo; created: boolean }> {
    const infoData = encodeAttrs([[IFLA_MACVLAN_MODE, u32(MACVLAN_MODE_PRIVATE)]]);
    let old = await this.#nl.link(name);
    if (old && old.kind !== 'macvlan') throw new NetlinkError('EEXIST', 'RTM_NEWLINK', `use_vmac: ${name} exists and is not a macvlan`);
    if (old && old.parentIndex !== base.index) {
      await this.#nl.deleteLink(old.index); // a VMAC of ours on another base interface: replace it, as keepalived does
      old = null;
    }
    if (old) {
      if (old.mac !== mac || old.macvlanMode !== MACVLAN_MODE_PRIVATE) {
        await this.#nl.setLink({ index: old.index, kind: 'macvlan', infoData, mac });
      }
      return { link: (await this.#nl.link(old.index)) ?? old, created: false };
    }
    await this.#nl.setLink({ name, parentIndex: base.index, kind: 'macvlan', infoData, mac, group: base.group });
    const link = await this.#nl.link(name);
    if (!link) throw new NetlinkError('ENODEV', 'RTM_NEWLINK', `use_vmac: ${name} vanished after creation`);
    return { link, created: true };
  }

  async #sysctls(spec: VmacSpec, name: string): Promise<void> {
    await this.#set(`net/ipv4/conf/${name}/arp_ignore`, '1');
    const keepIpv6 = spec.family === 6 || spec.ipv6 === true;
    await this.#set(`net/ipv6/conf/${name}/disable_ipv6`, keepIpv6 ? '0' : '1').catch(() => { /* IPv6 compiled out */ });
    if (spec.family === 6) return;
    await this.#clearAllRpFilter();
    await this.#set(`net/ipv4/conf/${name}/accept_local`, '1');
    await this.#set(`net/ipv4/conf/${name}/rp_filter`, '0');
    await this.#set(`net/ipv4/conf/${name}/promote_secondaries`, '1');
    await this.#holdBase(spec.baseIfname, name);
  }

  async #holdBase(baseIfname: string, vmac: string): Promise<void> {
    const held = this.#bases.get(baseIfname);
    if (held) { held.vmacs.add(vmac); return; }
    const saved = new Map<SysctlKey, string>();
    for (const p of ['arp_ignore', 'arp_filter']) {
      const key = `net/ipv4/conf/${baseIfname}/${p}`;
      const was = await this.#get(key);
      if (was !== '1') { saved.set(key, was); await this.#set(key, '1'); }
    }
    this.#bases.set(baseIfname, { vmacs: new Set([vmac]), saved });
  }

  async #releaseBase(baseIfname: string, vmac: string | null): Promise<void> {
    const held = this.#bases.get(baseIfname);
    if (!held) return;
    if (vmac !== null) held.vmacs.delete(vmac);
    if (vmac !== null && held.vmacs.size > 0) return;
    this.#bases.delete(baseIfname);
    for (const [key, v] of held.saved) await this.#set(key, v).catch(() => { /* base interface gone */ });
  }

  /** keepalived's clear_rp_filter: all.rp_filter wins over the VMAC's 0 unless it is 0 itself. */
  async #clearAllRpFilter(): Promise<void> {
    if (this.#rpFilterSaved) return;
    const all = Number(await this.#get('net/ipv4/conf/all/rp_filter'));
    this.#rpFilterSaved = new Map();
    if (all === 0) return;
    const names = (await readdir(`${this.#procSys}/net/ipv4/conf`)).filter((n) => n !== 'all');
    for (const n of names) {
      const key = `net/ipv4/conf/${n}/rp_filter`;
      const v = await this.#get(key);
      if (Number(v) < all) { this.#rpFilterSaved.set(key, v); await this.#set(key, String(all)); }
    }
    this.#rpFilterSaved.set('net/ipv4/conf/all/rp_filter', String(all));
    await this.#set('net/ipv4/conf/all/rp_filter', '0');
  }

  async #ipv6Setup(spec: VmacSpec, base: LinkInfo, link: LinkInfo): Promise<void> {
    // Before the link goes up, or the kernel adds an EUI-64 link-local from the virtual MAC (RFC 5798 §7.4).
    const afSpec = new Map([[AF_INET6, encodeAttrs([[IFLA_INET6_ADDR_GEN_MODE, u8(IN6_ADDR_GEN_MODE_NONE)]])]]);
    await this.#nl.setLink({ index: link.index, afSpec }).catch((e: unknown) => {
      if (spec.family === 6) throw e; // an IPv4 VMAC with IPv6 disabled may refuse it; nothing to do then
    });
    if (spec.family !== 6) return;
    const baseLl = (await this.#nl.addresses({ family: 6, index: base.index })).find((a) => isIpv6LinkLocal(a.address));
    const address = baseLl?.address ?? eui64LinkLocal(base.mac ?? '00:00:00:00:00:00');
    await this.#nl.addAddress({ family: 6, address, prefixLen: 64, index: link.index, scope: 253, flags: { nodad: true } }).catch((e: unknown) => {
      if (!isNetlinkError(e, 'EEXIST')) throw e;
    });
  }

  /** Deletes the VMAC (only a macvlan: never a real interface) and releases the base's sysctls. */
  async remove(spec: VmacSpec): Promise<'removed' | 'absent'> {
    const name = vmacName(spec);
    const link = await this.#nl.link(name);
    if (spec.family === 4) await this.#releaseBase(spec.baseIfname, name);
    if (!link) return 'absent';
    if (link.kind !== 'macvlan') throw new NetlinkError('EPERM', 'RTM_DELLINK', `use_vmac: refusing to delete ${name}, not a macvlan`);
    try {
      await this.#nl.deleteLink(link.index);
      return 'removed';
    } catch (e) {
      if (isNetlinkError(e, 'ENODEV')) return 'absent';
      throw e;
    }
  }

  /** Restores what we changed outside our VMACs: all/default/interface rp_filter and base arp_* values. */
  async close(): Promise<void> {
    for (const base of [...this.#bases.keys()]) await this.#releaseBase(base, null);
    const saved = this.#rpFilterSaved;
    this.#rpFilterSaved = null;
    for (const [key, v] of saved ?? []) await this.#set(key, v).catch(() => { /* interface gone */ });
  }

  async #get(key: SysctlKey): Promise<string> {
    return (await readFile(`${this.#procSys}/${key}`, 'utf8')).trim();
  }

  async #set(key: SysctlKey, value: string): Promise<void> {
    try {
      await writeFile(`${this.#procSys}/${key}`, value);
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'EIO';
      throw new NetlinkError(code, 'sysctl', `cannot write ${value} to /proc/sys/${key}`, e);
    }
  }
}
