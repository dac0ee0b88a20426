// vrrp_instance: one row per keyword of `man keepalived.conf`. The draft keeps
// "unset" (null) for settings inherited from global_defs; validate.ts fills them.
import { canonicalIp, ipFamily } from '../base/ip.ts';
import { millis, type Millis } from '../base/units.ts';
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { NotifyScripts, RouteOrRule, UnicastPeer, VirtualAddress, VrrpInstance } from './model.ts';
import type { Node } from './parser.ts';
import { walkSection, type Section } from './section.ts';
import { boolField, intField, secondsField, stringField, timerField } from './keywords-common.ts';
import { parseRouteOrRule, parseUnicastPeer, parseVirtualAddress } from './keywords-addr.ts';
import { itemsRead } from './block-items.ts';
import { trackBlock, type RawTrack } from './keywords-track.ts';
import { arg, intArg, noExtraArgs, parseIntStrict, scriptArg, where, type Mutable } from './values.ts';

type Inherited = 'garpMasterDelayMs' | 'garpMasterRepeat' | 'garpMasterRefreshMs' | 'garpMasterRefreshRepeat' |
  'garpLowerPrioDelayMs' | 'garpLowerPrioRepeat' | 'downTimerAdverts' | 'lowerPrioNoAdvert' | 'higherPrioSendAdvert' |
  'checkUnicastSrc' | 'skipCheckAdvAddr' | 'strictMode' | 'smtpAlert';
type Derived = 'auth' | 'notify' | 'interfaceWhere' | 'priority' | 'family' | 'version' | 'tracks' | 'syncGroup' | 'vrid' | 'initialState' | 'acceptMode' | 'virtualAddresses' | 'excludedAddresses';

export type InstanceDraft = Mutable<Omit<VrrpInstance, Inherited | Derived>> & {
  [K in Inherited]: VrrpInstance[K] | null } & {
  pos: SourcePos;
  vrid: number | null;
  /** null: keepalived derives it from the state (MASTER → 255, else 100). */
  priority: number | null;
  state: { value: 'MASTER' | 'BACKUP'; pos: SourcePos } | null;
  version: 2 | 3 | null;
  accept: boolean | null;
  vips: VirtualAddress[];
  evips: VirtualAddress[];
  rawTracks: RawTrack[];
  nopreemptPos: SourcePos | null;
  priorityPos: SourcePos | null;
  interfacePos: SourcePos | null;
  preemptDelayPos: SourcePos | null;
  advertPos: SourcePos | null;
  sawVipBlock: boolean;
  notify: Mutable<NotifyScripts>;
  virtualRoutes: RouteOrRule[];
  virtualRules: RouteOrRule[];
  unicastPeers: UnicastPeer[];
  sawUnicastPeer: boolean;
  /** A unicast keyword was given (keepalived's VRRP_FLAG_UNICAST_CONFIGURED). */
  unicastConfigured: boolean;
  authType: 'pass' | 'ah' | null;
  authPass: string | null;
};

export function defaultInstance(name: string, pos: SourcePos): InstanceDraft {
  return {
    name, where: where(pos), pos, interface: null, vrid: null, state: null, priority: null, advertIntervalMs: millis(1000),
    version: null, authType: null, authPass: null, vips: [], evips: [], virtualRoutes: [], virtualRules: [], rawTracks: [],
    unicastSrcIp: null, mcastSrcIp: null, mcastDstIp: null, unicastPeers: [], sawUnicastPeer: false, unicastConfigured: false, unicastTtl: 255,
    unicastFaultNoPeer: false, preempt: true, nopreemptPos: null, preemptDelayMs: millis(0), priorityPos: null,
    advertPos: null, interfacePos: null, preemptDelayPos: null, sawVipBlock: false,
    garpMasterDelayMs: null, garpMasterRepeat: null, garpMasterRefreshMs: null, garpMasterRefreshRepeat: null,
    garpLowerPrioDelayMs: null, garpLowerPrioRepeat: null, downTimerAdverts: null, lowerPrioNoAdvert: null,
    higherPrioSendAdvert: null, checkUnicastSrc: null, skipCheckAdvAddr: null, strictMode: null, smtpAlert: null,
    notify: { master: null, backup: null, fault: null, stop: null, deleted: null, any: null, masterRxLowerPri: null },
    notifyPriorityChanges: false, accept: null, dontTrackPrimary: false, useVmac: null, vmacXmitBase: false,
    nativeIpv6: false, trackSrcIp: false, promoteSecondaries: false, debugLevel: 0,
  };
}

function addresses(field: 'vips' | 'evips') {
  return (node: Node, d: InstanceDraft, sink: DiagnosticSink): void => {
    if (node.children === null) { sink.error(node.pos, `'${node.keyword}' expects a '{' block`); return; }
    if (field === 'vips') d.sawVipBlock = true;
    const read = itemsRead<VirtualAddress>(node);
    if (read !== null) { d[field] = read.replay(sink, d[field]); return; }
    for (const item of node.children) {
      const vip = parseVirtualAddress(item, sink);
      if (!vip) continue;
      const first = d.vips[0];
      if (field === 'vips' && first && first.family !== vip.family) {
        sink.warning(item.pos, `(${d.name}): address family must match VRRP instance [${item.keyword}] - ignoring`);
        continue;
      }
      d[field].push(vip);
    }
  };
}

function routes(kind: 'route' | 'rule') {
  return (node: Node, d: InstanceDraft, sink: DiagnosticSink): void => {
    if (node.children === null) { sink.error(node.pos, `'${node.keyword}' expects a '{' block`); return; }
    const read = itemsRead<RouteOrRule>(node);
    if (read !== null) {
      if (kind === 'route') d.virtualRoutes = read.replay(sink, d.virtualRoutes); else d.virtualRules = read.replay(sink, d.virtualRules);
      return;
    }
    for (const item of node.children) {
      const r = parseRouteOrRule(item, kind, sink);
      if (r) (kind === 'route' ? d.virtualRoutes : d.virtualRules).push(r);
    }
  };
}

function notify(field: keyof NotifyScripts) {
  return (node: Node, d: InstanceDraft, sink: DiagnosticSink): void => {
    if (field === 'deleted' && node.args.length === 0) return; // bare notify_deleted: only changes the state name
    d.notify[field] = scriptArg(node, 0, sink);
  };
}

function srcIp(field: 'unicastSrcIp' | 'mcastSrcIp' | 'mcastDstIp') {
  return (node: Node, d: InstanceDraft, sink: DiagnosticSink): void => {
    const a = arg(node, 0, sink);
    if (!a) return;
    const c = canonicalIp(a.text);
    if (c === null) { sink.error(a.pos, `(${d.name}) ${node.keyword}: invalid address '${a.text}'`); return; }
    d[field] = c;
    noExtraArgs(node, 1, sink);
  };
}

/**
 * The longest prefix of `s` that fits in `max` UTF-8 bytes. keepalived keeps
 * the first 8 bytes; a character cut in two by that limit is left out here
 * (the model holds text), so only such a password differs on the wire.
 */
function utf8Prefix(s: string, max: number): string {
  let end = 0;
  for (const ch of s) {
    if (utf8Length(s.slice(0, end + ch.length)) > max) break;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** Bytes of `s` in UTF-8 as TextEncoder counts them (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

const AUTH_SECTION: Section<InstanceDraft> = {
  name: 'authentication',
  keywords: {
    auth_type: (node, d, sink) => {
      const a = arg(node, 0, sink);
      if (!a) return;
      // Case matters: keepalived 2.2.7 refuses `ah` and `pass` (strcmp).
      const t = a.text;
      if (t !== 'PASS' && t !== 'AH') { sink.error(a.pos, `(${d.name}) unknown authentication type '${a.text}'`); return; }
      d.authType = t === 'PASS' ? 'pass' : 'ah';
    },
    auth_pass: (node, d, sink) => {
      const a = arg(node, 0, sink);
      if (!a) return;
      // keepalived uses only the first 8 bytes and reports it (a config error: -t exits 5).
      if (utf8Length(a.text) > 8) sink.warning(a.pos, 'Truncating auth_pass to 8 characters');
      d.authPass = utf8Prefix(a.text, 8);
    },
  },
  unsupported: [],
};

function state(node: Node, d: InstanceDraft, sink: DiagnosticSink): void {
  const a = arg(node, 0, sink);
  if (!a) return;
  const v = a.text.toUpperCase();
  if (v === 'MASTER' || v === 'BACKUP') d.state = { value: v, pos: node.pos };
  else sink.error(a.pos, `(${d.name}) unknown state '${a.text}', defaulting to BACKUP`);
}

function useVmac(node: Node, d: InstanceDraft, sink: DiagnosticSink): void {
  let ifname: string | null = null;
  let mac: string | null = null;
  for (const a of node.args) {
    if (/^([0-9a-fA-F]{1,2}:){4,5}[0-9a-fA-F]{1,2}$/.test(a.text)) mac = a.text.toLowerCase();
    else if (ifname === null && a.text.length <= 15) ifname = a.text;
    else sink.error(a.pos, `(${d.name}) use_vmac: invalid parameter '${a.text}'`);
  }
  d.useVmac = { ifname, mac };
}

export const INSTANCE_SECTION: Section<InstanceDraft> = {
  name: 'vrrp_instance',
  keywords: {
    state,
    interface: (node, d, sink) => { stringField<InstanceDraft>('interface')(node, d, sink); d.interfacePos = node.pos; },
    virtual_router_id: (node, d, sink) => {
      const n = intArg(node, 0, 1, 255, sink);
      if (n !== null) d.vrid = n;
    },
    priority: (node, d, sink) => {
      const n = intArg(node, 0, 1, 255, sink);
      if (n !== null) { d.priority = n; d.priorityPos = node.pos; }
    },
    advert_int: (node, d, sink) => {
      timerField<InstanceDraft>('advertIntervalMs', 0.01, 255)(node, d, sink);
      d.advertPos = node.pos;
    },
    version: (node, d, sink) => { const n = intArg(node, 0, 2, 3, sink); if (n !== null) d.version = n as 2 | 3; },
    authentication: (node, d, sink) => {
      if (node.children === null) { sink.error(node.pos, `'authentication' expects a '{' block`); return; }
      walkSection(node.children, AUTH_SECTION, d, sink);
    },
    virtual_ipaddress: addresses('vips'),
    virtual_ipaddress_excluded: addresses('evips'),
    virtual_routes: routes('route'),
    virtual_rules: routes('rule'),
    track_interface: (node, d, sink) => trackBlock('interface', node, d.rawTracks, sink),
    track_script: (node, d, sink) => trackBlock('script', node, d.rawTracks, sink),
    track_file: (node, d, sink) => trackBlock('file', node, d.rawTracks, sink),
    track_process: (node, d, sink) => trackBlock('process', node, d.rawTracks, sink),
    unicast_src_ip: (node, d, sink) => { srcIp('unicastSrcIp')(node, d, sink); d.unicastConfigured = true; },
    mcast_src_ip: srcIp('mcastSrcIp'),
    mcast_dst_ip: (node, d, sink) => {
      srcIp('mcastDstIp')(node, d, sink);
      const c = d.mcastDstIp;
      if (c !== null && !(ipFamily(c) === 4 ? /^2(2[4-9]|3\d)\./.test(c) : /^ff[0-9a-f]2:/.test(c))) {
        sink.error(node.pos, `(${d.name}) mcast_dst_ip ${c} is not a (link-local) multicast address`);
        d.mcastDstIp = null;
      }
    },
    unicast_peer: (node, d, sink) => {
      if (node.children === null) { sink.error(node.pos, `'unicast_peer' expects a '{' block`); return; }
      d.sawUnicastPeer = true;
      d.unicastConfigured = true;
      for (const item of node.children) { const p = parseUnicastPeer(item, sink); if (p) d.unicastPeers.push(p); }
    },
    unicast_ttl: (node, d, sink) => { intField<InstanceDraft>('unicastTtl', 1, 255)(node, d, sink); d.unicastConfigured = true; },
    unicast_fault_no_peer: boolField('unicastFaultNoPeer', true),
    nopreempt: (node, d) => { d.preempt = false; d.nopreemptPos = node.pos; },
    preempt: (node, d) => { d.preempt = true; void node; },
    preempt_delay: (node, d, sink) => { timerField<InstanceDraft>('preemptDelayMs', 0, 1000)(node, d, sink); d.preemptDelayPos = node.pos; },
    garp_master_delay: secondsField('garpMasterDelayMs', 0, 4294),
    garp_master_repeat: intField('garpMasterRepeat', 0, 0x7fffffff),
    garp_master_refresh: secondsField('garpMasterRefreshMs', 0, 4294),
    garp_master_refresh_repeat: intField('garpMasterRefreshRepeat', 0, 0x7fffffff),
    garp_lower_prio_delay: secondsField('garpLowerPrioDelayMs', 0, 4294),
    garp_lower_prio_repeat: intField('garpLowerPrioRepeat', 0, 0x7fffffff),
    down_timer_adverts: intField('downTimerAdverts', 1, 100),
    lower_prio_no_advert: boolField('lowerPrioNoAdvert'),
    higher_prio_send_advert: boolField('higherPrioSendAdvert'),
    notify_master: notify('master'),
    notify_backup: notify('backup'),
    notify_fault: notify('fault'),
    notify_stop: notify('stop'),
    notify_deleted: notify('deleted'),
    notify: notify('any'),
    notify_master_rx_lower_pri: notify('masterRxLowerPri'),
    notify_priority_changes: boolField('notifyPriorityChanges'),
    smtp_alert: boolField('smtpAlert'),
    accept: (node, d) => { d.accept = true; void node; },
    no_accept: (node, d) => { d.accept = false; void node; },
    dont_track_primary: boolField('dontTrackPrimary', true),
    use_vmac: useVmac,
    vmac_xmit_base: boolField('vmacXmitBase', true),
    native_ipv6: boolField('nativeIpv6', true),
    check_unicast_src: (node, d, sink) => { boolField<InstanceDraft>('checkUnicastSrc', true)(node, d, sink); d.unicastConfigured = true; },
    skip_check_adv_addr: boolField('skipCheckAdvAddr'),
    strict_mode: boolField('strictMode'),
    track_src_ip: boolField('trackSrcIp', true),
    promote_secondaries: boolField('promoteSecondaries', true),
    debug: (node, d, sink) => {
      const a = node.args[0];
      const n = a ? parseIntStrict(a.text) : 0;
      if (n === null || n < 0 || n > 4) sink.error(node.pos, `(${d.name}) debug: level must be 0..4`);
      else d.debugLevel = n;
    },
  },
  unsupported: [
    'vrf', 'use_vmac_addr', 'use_ipvlan', 'old_unicast_checksum', 'track_bfd', 'linkbeat_use_polling',
    'lvs_sync_daemon_interface', 'garp_extra_if', 'vmac_garp_intvl', 'kernel_rx_buf_size',
  ],
};

export type { Millis };
