// virtual_routes and virtual_rules: keepalived's words parsed into requests,
// added and removed idempotently (EEXIST on add and ESRCH/ENOENT on delete
// are success). Routes and rules we add carry protocol 18 ("keepalived"),
// as keepalived's do, so `ip route show proto 18` lists them.
// Supported: [type] [to] PREFIX|default, src, via|gw, dev, scope, table,
// metric|priority|preference, proto, onlink; rules: [not] from, to, table|lookup,
// priority|preference|pref, iif|oif, fwmark[/mask], tos, and the blackhole /
// unreachable / prohibit actions. Not supported (rejected with a parse error):
// multipath (`or`, nexthop), realms, route metrics (mtu, advmss ...), encap,
// named tables other than main/local/default, goto, uidrange, ports, ipproto.
import { VipkeeperError } from '../base/errors.ts';
import { canonicalIp, ipFamily, type Family } from '../base/ip.ts';
import { isNetlinkError, NetlinkError, type RouteRequest, type RuleRequest, type Rtnl } from './netlink.ts';
import { scopeNumber } from './addresses.ts';

export const RTPROT_KEEPALIVED = 18;
const ROUTE_TYPES: Record<string, number> = { unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9 };
const RULE_ACTIONS: Record<string, number> = { blackhole: 6, unreachable: 7, prohibit: 8 };
const TABLES: Record<string, number> = { main: 254, local: 255, default: 253 };

export interface RouteSpec {
  readonly family: Family;
  readonly to: string | null; // null: default
  readonly toLen: number;
  readonly type: number;
  readonly via?: string; readonly dev?: string; readonly src?: string;
  readonly table?: number; readonly metric?: number; readonly scope?: number;
  readonly protocol?: number; readonly onlink?: boolean;
}

export interface RuleSpec extends Omit<RuleRequest, 'protocol'> {}

const bad = (what: string, words: readonly string[]): VipkeeperError =>
  new VipkeeperError('VIPKEEPER_ERR_CONFIG', `${what} in "${words.join(' ')}"`);

function prefix(text: string, words: readonly string[]): { addr: string; len: number; family: Family } {
  const [a, l] = text.split('/');
  const addr = canonicalIp(a ?? '');
  const family = ipFamily(a ?? '');
  if (!addr || !family) throw bad(`not an address: ${text}`, words);
  const len = l === undefined ? (family === 4 ? 32 : 128) : Number(l);
  if (!Number.isInteger(len) || len < 0 || len > (family === 4 ? 32 : 128)) throw bad(`bad prefix length: ${text}`, words);
  return { addr, len, family };
}

function uint(text: string | undefined, words: readonly string[], max = 0xffffffff): number {
  const n = text !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= max)) throw bad(`not a number: ${text ?? '(missing)'}`, words);
  return n;
}

const table = (t: string | undefined, words: readonly string[]): number => TABLES[t ?? ''] ?? uint(t, words);

/** Parses one virtual_routes line (keepalived / ip-route words). */
export function parseRoute(words: readonly string[], defaultFamily: Family = 4): RouteSpec {
  const r: { -readonly [K in keyof RouteSpec]?: RouteSpec[K] } = { type: 1 };
  let i = 0;
  if (ROUTE_TYPES[words[0] ?? ''] !== undefined) r.type = ROUTE_TYPES[words[i++]!]!;
  for (; i < words.length; i++) {
    const w = words[i]!;
    const next = (): string => { const v = words[++i]; if (v === undefined) throw bad(`${w} needs a value`, words); return v; };
    switch (w) {
      case 'to': setTo(r, next(), words); break;
      case 'src': r.src = prefix(next(), words).addr; break;
      case 'via': case 'gw': r.via = prefix(next(), words).addr; break;
      case 'dev': case 'oif': r.dev = next(); break;
      case 'scope': try { r.scope = scopeNumber(next()); } catch { throw bad('bad scope', words); } break;
      case 'table': r.table = table(next(), words); break;
      case 'metric': case 'priority': case 'preference': r.metric = uint(next(), words); break;
      case 'proto': case 'protocol': r.protocol = uint(next(), words, 255); break;
      case 'onlink': r.onlink = true; break;
      case 'no_track': break; // the daemon's business, not the kernel's
      default:
        if (r.to === undefined) setTo(r, w, words);
        else throw bad(`unsupported route keyword ${w}`, words);
    }
  }
  if (r.to === undefined) throw bad('no destination', words);
  const family = r.to === null ? (r.via ? ipFamily(r.via)! : r.src ? ipFamily(r.src)! : defaultFamily) : r.family!;
  return { ...r, family, to: r.to, toLen: r.toLen ?? 0, type: r.type! };
}

function setTo(r: { to?: string | null; toLen?: number; family?: Family }, text: string, words: readonly string[]): void {
  if (text === 'default') { r.to = null; r.toLen = 0; return; }
  const p = prefix(text, words);
  Object.assign(r, { to: p.addr, toLen: p.len, family: p.family });
}

/** Parses one virtual_rules line (keepalived / ip-rule words). */
export function parseRule(words: readonly string[], defaultFamily: Family = 4): RuleSpec {
  const r: { -readonly [K in keyof RuleSpec]?: RuleSpec[K] } = {};
  let family: Family | null = null;
  const side = (text: string, key: 'src' | 'dst'): void => {
    if (text === 'all') return;
    const p = prefix(text, words);
    family = p.family;
    if (key === 'src') { r.src = p.addr; r.srcLen = p.len; } else { r.dst = p.addr; r.dstLen = p.len; }
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = (): string => { const v = words[++i]; if (v === undefined) throw bad(`${w} needs a value`, words); return v; };
    switch (w) {
      case 'not': r.invert = true; break;
      case 'from': side(next(), 'src'); break;
      case 'to': side(next(), 'dst'); break;
      case 'table': case 'lookup': r.table = table(next(), words); break;
      case 'priority': case 'preference': case 'pref': r.priority = uint(next(), words); break;
      case 'iif': case 'iifname': r.iifname = next(); break;
      case 'oif': case 'oifname': r.oifname = next(); break;
      case 'tos': case 'dsfield': r.tos = uint(next(), words, 255); break;
      case 'fwmark': {
        const [m, mask] = next().split('/');
        r.fwmark = uint(m, words);
        if (mask !== undefined) r.fwmask = uint(mask, words);
        break;
      }
      case 'no_track': break;
      default:
        if (RULE_ACTIONS[w] !== undefined) r.action = RULE_ACTIONS[w];
        else throw bad(`unsupported rule keyword ${w}`, words);
    }
  }
  if (r.table === undefined && r.action === undefined) throw bad('a rule needs a table or an action', words);
  return { ...r, family: family ?? defaultFamily };
}

async function routeRequest(nl: Rtnl, r: RouteSpec): Promise<RouteRequest> {
  let oif: number | undefined;
  if (r.dev !== undefined) {
    const l = await nl.link(r.dev);
    if (!l) throw new NetlinkError('ENODEV', 'RTM_NEWROUTE', `route via no interface ${r.dev}`);
    oif = l.index;
  }
  return {
    family: r.family, dst: r.to, dstLen: r.toLen, gateway: r.via, oif, prefsrc: r.src, table: r.table,
    metric: r.metric, scope: r.scope, type: r.type, protocol: r.protocol ?? RTPROT_KEEPALIVED, onlink: r.onlink,
  };
}

export async function addRoute(nl: Rtnl, r: RouteSpec): Promise<'added' | 'present'> {
  try {
    await nl.addRoute(await routeRequest(nl, r));
    return 'added';
  } catch (e) {
    if (isNetlinkError(e, 'EEXIST')) return 'present';
    throw e;
  }
}

export async function removeRoute(nl: Rtnl, r: RouteSpec): Promise<'removed' | 'absent'> {
  try {
    const req = await routeRequest(nl, r);
    await nl.deleteRoute({ ...req, protocol: 0, scope: undefined }); // match any protocol and scope, as `ip route del`
    return 'removed';
  } catch (e) {
    if (isNetlinkError(e, 'ESRCH', 'ENODEV', 'ENOENT')) return 'absent';
    throw e;
  }
}

export async function addRule(nl: Rtnl, r: RuleSpec): Promise<'added' | 'present'> {
  try {
    await nl.addRule({ ...r, protocol: RTPROT_KEEPALIVED });
    return 'added';
  } catch (e) {
    if (isNetlinkError(e, 'EEXIST')) return 'present';
    throw e;
  }
}

export async function removeRule(nl: Rtnl, r: RuleSpec): Promise<'removed' | 'absent'> {
  try {
    await nl.deleteRule(r);
    return 'removed';
  } catch (e) {
    if (isNetlinkError(e, 'ENOENT')) return 'absent';
    throw e;
  }
}
