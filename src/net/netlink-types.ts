// The plain values the netlink wrapper speaks (src/net/netlink.ts re-exports
// them): no Buffers, no package enums, addresses as canonical text.
import type { Family } from '../base/ip.ts';

export interface LinkInfo {
  readonly index: number;
  readonly name: string;
  readonly mac: string | null; // aa:bb:cc:dd:ee:ff
  readonly mtu: number;
  readonly adminUp: boolean; // IFF_UP
  readonly operUp: boolean; // IFF_RUNNING: RFC 2863 oper state UP (or UNKNOWN on dummy/lo)
  readonly kind: string | null; // IFLA_INFO_KIND: macvlan, veth, dummy, bridge ...
  readonly parentIndex: number | null; // IFLA_LINK
  readonly macvlanMode: number | null;
  readonly group: number;
}

export interface AddressFlagSet {
  readonly nodad?: boolean; readonly noprefixroute?: boolean; readonly homeaddress?: boolean;
  readonly secondary?: boolean; readonly deprecated?: boolean; readonly tentative?: boolean;
  readonly dadfailed?: boolean; readonly permanent?: boolean;
  readonly managetempaddr?: boolean; readonly mcautojoin?: boolean;
}

export interface AddressInfo {
  readonly family: Family;
  readonly address: string; // canonical text
  readonly prefixLen: number;
  readonly index: number;
  readonly label: string | null;
  readonly broadcast: string | null;
  readonly peer: string | null; // IFA_ADDRESS when it differs from IFA_LOCAL
  readonly scope: number;
  readonly flags: AddressFlagSet;
  readonly preferredLftS: number | null; // null = forever
}

export interface AddressRequest {
  readonly family: Family;
  readonly address: string;
  readonly prefixLen: number;
  readonly index: number;
  readonly label?: string | undefined;
  readonly broadcast?: string | undefined;
  readonly peer?: string | undefined;
  readonly scope?: number | undefined;
  readonly flags?: AddressFlagSet | undefined;
  readonly preferredLftS?: number | undefined;
}

export type LinkEvent = { readonly op: 'new' | 'del'; readonly link: LinkInfo };
export type AddressEvent = { readonly op: 'new' | 'del'; readonly addr: AddressInfo };

export interface RouteRequest {
  readonly family: Family;
  readonly dst: string | null; // null = default
  readonly dstLen: number;
  readonly gateway?: string | undefined;
  readonly oif?: number | undefined;
  readonly prefsrc?: string | undefined;
  readonly table?: number | undefined; // default main (254)
  readonly metric?: number | undefined;
  readonly scope?: number | undefined;
  readonly type?: number | undefined; // RTN_*: 1 unicast, 6 blackhole, 7 unreachable, 8 prohibit, 9 throw
  readonly protocol?: number | undefined;
  readonly onlink?: boolean | undefined;
}

export interface RuleRequest {
  readonly family: Family;
  readonly src?: string | undefined; readonly srcLen?: number | undefined;
  readonly dst?: string | undefined; readonly dstLen?: number | undefined;
  readonly table?: number | undefined;
  readonly priority?: number | undefined;
  readonly iifname?: string | undefined; readonly oifname?: string | undefined;
  readonly fwmark?: number | undefined; readonly fwmask?: number | undefined;
  readonly tos?: number | undefined;
  readonly action?: number | undefined; // FR_ACT_*: 1 to table (default), 6 blackhole, 7 unreachable, 8 prohibit
  readonly invert?: boolean | undefined;
  readonly protocol?: number | undefined;
}

export interface LinkRequest {
  readonly index?: number | undefined; // set: change this link; unset: create one
  readonly name?: string | undefined;
  readonly parentIndex?: number | undefined;
  readonly kind?: string | undefined; // with infoData: IFLA_LINKINFO
  readonly infoData?: Buffer | undefined;
  readonly mac?: string | undefined;
  readonly group?: number | undefined;
  readonly up?: boolean | undefined;
  readonly afSpec?: ReadonlyMap<number, Buffer> | undefined; // IFLA_AF_SPEC: family → encoded attrs
}
