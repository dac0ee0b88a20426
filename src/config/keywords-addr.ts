// Address-like block items: virtual_ipaddress(_excluded), static_ipaddress,
// virtual_routes/rules, static_routes/rules and unicast_peer entries.
import { canonicalIp, ipFamily, type Family } from '../base/ip.ts';
import type { DiagnosticSink } from './diagnostics.ts';
import type { RouteOrRule, UnicastPeer, VirtualAddress, Where } from './model.ts';
import type { Node } from './parser.ts';
import { canonicalV4End, parseIntStrict, parsePrefixed, smallDecimal, where } from './values.ts';

const SCOPES = ['site', 'link', 'host', 'nowhere', 'global'];
const FLAGS: Record<string, keyof VirtualAddress> = {
  no_track: 'noTrack', '-nodad': 'noDad', noprefixroute: 'noPrefixRoute', home: 'home',
  mngtmpaddr: 'mngTmpAddr', autojoin: 'autoJoin', use_vmac: 'useVmac',
};

/**
 * A VIP line with no options, which is nearly every line of a large block: 5
 * fields (address, family, prefix, file, line) instead of 17 and a `where`
 * object, ~90 B against ~230 B. The options read their defaults from the
 * prototype, `where` is made when asked, and toJSON gives the same object, key
 * for key, as a VIP with options, so `-d` and the dump files do not change.
 */
class BareVip implements VirtualAddress {
  declare readonly broadcast: null;
  declare readonly dev: null;
  declare readonly scope: null;
  declare readonly label: null;
  declare readonly peer: null;
  declare readonly noTrack: false;
  declare readonly noDad: false;
  declare readonly noPrefixRoute: false;
  declare readonly home: false;
  declare readonly mngTmpAddr: false;
  declare readonly autoJoin: false;
  declare readonly useVmac: false;
  declare readonly preferredLft: null;
  readonly #file: string;
  readonly #line: number;

  constructor(readonly address: string, readonly family: Family, readonly prefixLength: number, file: string, line: number) {
    this.#file = file;
    this.#line = line;
  }

  get where(): Where { return { file: this.#file, line: this.#line }; }

  toJSON(): Record<string, unknown> {
    return {
      address: this.address, family: this.family, prefixLength: this.prefixLength, broadcast: null, dev: null, scope: null,
      label: null, peer: null, noTrack: false, noDad: false, noPrefixRoute: false, home: false, mngTmpAddr: false,
      autoJoin: false, useVmac: false, preferredLft: null, where: this.where,
    };
  }
}
for (const [k, v] of Object.entries({
  broadcast: null, dev: null, scope: null, label: null, peer: null, noTrack: false, noDad: false, noPrefixRoute: false,
  home: false, mngTmpAddr: false, autoJoin: false, useVmac: false, preferredLft: null,
})) Object.defineProperty(BareVip.prototype, k, { value: v, enumerable: true });

/**
 * A VIP line that is a canonical dotted quad with an optional 1-3 digit prefix
 * and nothing else, read straight from the line's text (no statement, no parse
 * result object); null when it is anything else, and the caller then reads the
 * line the general way (parseVirtualAddress), which also reports what is bad.
 * For the lines it accepts it gives what parseVirtualAddress gives.
 */
export function plainV4Vip(text: string, file: string, line: number): VirtualAddress | null {
  const end = canonicalV4End(text);
  // Below 13 characters, as in parsePrefixed: slice() copies rather than keeping a view into the file's text.
  if (end < 0 || end >= 13) return null;
  if (end === text.length) return new BareVip(text, 4, 32, file, line);
  const len = smallDecimal(text, end + 1);
  if (len === null || len > 32) return null;
  return new BareVip(text.slice(0, end), 4, len, file, line);
}

/** One `ADDR[/LEN] [options]` line; null (after reporting) if the address is bad. */
export function parseVirtualAddress(item: Node, sink: DiagnosticSink): VirtualAddress | null {
  const p = parsePrefixed(item.keyword);
  if (!p) { sink.error(item.pos, `VRRP parsed invalid IP ${item.keyword}. skipping IP...`); return null; }
  if (item.args.length === 0) return new BareVip(p.address, p.family, p.prefixLength, item.pos.file, item.pos.line);
  const vip: Record<string, unknown> = {
    address: p.address, family: p.family, prefixLength: p.prefixLength, broadcast: null, dev: null, scope: null,
    label: null, peer: null, noTrack: false, noDad: false, noPrefixRoute: false, home: false, mngTmpAddr: false,
    autoJoin: false, useVmac: false, preferredLft: null, where: where(item.pos),
  };
  const args = item.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const flag = FLAGS[a.text];
    if (flag) { vip[flag] = true; continue; }
    const v = args[i + 1];
    if (v === undefined) { sink.error(a.pos, `virtual address ${item.keyword}: '${a.text}' is missing a value or unknown`); break; }
    i++;
    switch (a.text) {
      case 'brd': case 'broadcast':
        if (v.text === '+' || v.text === '-') vip.broadcast = v.text;
        else if (ipFamily(v.text) === 4) vip.broadcast = canonicalIp(v.text);
        else sink.error(v.pos, `invalid broadcast address '${v.text}'`);
        break;
      case 'dev': vip.dev = v.text; break;
      case 'label': vip.label = v.text; break;
      case 'scope':
        if (SCOPES.includes(v.text) || parseIntStrict(v.text) !== null) vip.scope = v.text;
        else sink.error(v.pos, `Invalid scope '${v.text}' specified for ${item.keyword} - ignoring`);
        break;
      case 'peer': {
        const pp = parsePrefixed(v.text);
        if (pp && pp.family === p.family) vip.peer = pp.address;
        else sink.error(v.pos, `Invalid peer address '${v.text}'`);
        break;
      }
      case 'preferred_lft':
        if (v.text === 'forever') vip.preferredLft = 'forever';
        else if (parseIntStrict(v.text) !== null && Number(v.text) >= 0) vip.preferredLft = Number(v.text);
        else sink.error(v.pos, `Invalid preferred_lft '${v.text}'`);
        break;
      case 'track_group': break; // static addresses only; the group is not implemented
      default:
        sink.warning(a.pos, `Unknown configuration entry '${a.text}' for ip address - ignoring`);
        i--;
    }
  }
  return vip as unknown as VirtualAddress;
}

/** Routes and rules: keep the words, note family and no_track. */
export function parseRouteOrRule(item: Node, kind: 'route' | 'rule', sink: DiagnosticSink): RouteOrRule | null {
  const words = [item.keyword, ...item.args.map((a) => a.text)];
  let family: Family | null = null;
  for (const w of words) {
    if (w.includes('.') || w.includes(':')) {
      const slash = w.indexOf('/');
      const f = ipFamily(slash < 0 ? w : w.slice(0, slash));
      if (f !== null) { family ??= f; continue; }
      if (/^\d+[.:]/.test(w) && kind === 'rule') { sink.error(item.pos, `Invalid rule address ${w}`); return null; }
      if (/^[\d.]+\/?\d*$/.test(w)) { sink.error(item.pos, `VRRP parsed invalid IP ${w}. skipping IP...`); return null; }
    }
  }
  if (kind === 'rule' && !words.includes('preference') && !words.includes('prio') && !words.includes('priority')) {
    sink.warning(item.pos, 'Rule has no preference specified - setting to 16384. This is probably not what you want.');
  }
  const noTrack = words.includes('no_track');
  if (kind === 'route' && !noTrack && !words.includes('dev')) {
    // keepalived tracks a route by its interface; without one it cannot.
    const dest = words.find((w) => w.includes('/') || ipFamily(w) !== null) ?? item.keyword;
    sink.warning(item.pos, `Warning - cannot track route ${dest} with no interface specified, not tracking`);
  }
  return { words: words.filter((w) => w !== 'no_track'), family, noTrack: noTrack || (kind === 'route' && !words.includes('dev')), where: where(item.pos) };
}

export function parseUnicastPeer(item: Node, sink: DiagnosticSink): UnicastPeer | null {
  const address = canonicalIp(item.keyword);
  if (address === null) { sink.error(item.pos, `unicast_peer: invalid IP address '${item.keyword}'`); return null; }
  const peer = { address, minTtl: null as number | null, maxTtl: null as number | null };
  for (let i = 0; i < item.args.length; i += 2) {
    const k = item.args[i]!;
    const v = item.args[i + 1];
    const n = v ? parseIntStrict(v.text) : null;
    if ((k.text !== 'min_ttl' && k.text !== 'max_ttl') || n === null || n < 0 || n > 255) {
      sink.error(k.pos, `unicast_peer ${item.keyword}: invalid option '${k.text}${v ? ' ' + v.text : ''}'`);
      break;
    }
    if (k.text === 'min_ttl') peer.minTtl = n; else peer.maxTtl = n;
  }
  return peer;
}
