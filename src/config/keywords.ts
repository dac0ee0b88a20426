// The top level of keepalived.conf: which section each root keyword opens.
// LVS/BFD sections are parsed (brace-balanced) and skipped with one warning.
import type { DiagnosticSink } from './diagnostics.ts';
import type { RouteOrRule, VirtualAddress } from './model.ts';
import type { Node } from './parser.ts';
import { walkSection } from './section.ts';
import { itemsRead } from './block-items.ts';
import { defaultGlobal, GLOBAL_SECTION, type GlobalDraft } from './keywords-global.ts';
import { defaultInstance, INSTANCE_SECTION, type InstanceDraft } from './keywords-instance.ts';
import { defaultSyncGroup, SYNC_GROUP_SECTION, type SyncGroupDraft } from './keywords-sync.ts';
import { parseRouteOrRule, parseVirtualAddress } from './keywords-addr.ts';
import {
  defaultScript, defaultTrackFile, defaultTrackProcess, SCRIPT_SECTION, TRACK_FILE_SECTION, TRACK_PROCESS_SECTION,
  type ScriptDraft, type TrackFileDraft, type TrackProcessDraft,
} from './keywords-track.ts';

/** Everything read from the file, before cross-references are resolved. */
export interface Draft {
  global: GlobalDraft;
  scripts: ScriptDraft[];
  trackFiles: TrackFileDraft[];
  trackProcesses: TrackProcessDraft[];
  instances: InstanceDraft[];
  syncGroups: SyncGroupDraft[];
  staticAddresses: VirtualAddress[];
  staticRoutes: RouteOrRule[];
  staticRules: RouteOrRule[];
}

/** Out of scope for a VRRP daemon: skipped with one warning each. */
export const SKIPPED_SECTIONS: readonly string[] = [
  'virtual_server', 'virtual_server_group', 'bfd_instance', 'linkbeat_interfaces', 'garp_group',
  'interface_up_down_delays', 'track_group', 'SSL',
];

/** Root keywords keepalived accepts that vipkeeper does not implement. */
export const UNSUPPORTED_ROOT: readonly string[] = [
  'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time',
  'linkbeat_use_polling',
];

function named(node: Node, sink: DiagnosticSink): string | null {
  const a = node.args[0];
  if (!a) { sink.error(node.pos, `'${node.keyword}' needs a name`); return null; }
  if (node.children === null) { sink.error(node.pos, `'${node.keyword} ${a.text}' expects a '{' block`); return null; }
  return a.text;
}

function root(node: Node, d: Draft, sink: DiagnosticSink): void {
  switch (node.keyword) {
    case 'global_defs':
      walkSection(node.children, GLOBAL_SECTION, d.global, sink);
      return;
    case 'vrrp_script': {
      const name = named(node, sink);
      if (name === null) return;
      const s = defaultScript(name, node.pos, node.end);
      walkSection(node.children, SCRIPT_SECTION, s, sink);
      d.scripts.push(s);
      return;
    }
    case 'track_file':
    case 'vrrp_track_file': {
      const name = named(node, sink);
      if (name === null) return;
      const f = defaultTrackFile(name, node.pos);
      walkSection(node.children, TRACK_FILE_SECTION, f, sink);
      d.trackFiles.push(f);
      return;
    }
    case 'vrrp_track_process': {
      const name = named(node, sink);
      if (name === null) return;
      const p = defaultTrackProcess(name, node.pos);
      walkSection(node.children, TRACK_PROCESS_SECTION, p, sink);
      d.trackProcesses.push(p);
      return;
    }
    case 'vrrp_instance': {
      const name = named(node, sink);
      if (name === null) return;
      const inst = defaultInstance(name, node.pos);
      walkSection(node.children, INSTANCE_SECTION, inst, sink);
      d.instances.push(inst);
      return;
    }
    case 'vrrp_sync_group': {
      const name = named(node, sink);
      if (name === null) return;
      const g = defaultSyncGroup(name, node.pos);
      walkSection(node.children, SYNC_GROUP_SECTION, g, sink);
      d.syncGroups.push(g);
      return;
    }
    case 'static_ipaddress': {
      const read = itemsRead<VirtualAddress>(node);
      if (read !== null) { d.staticAddresses = read.replay(sink, d.staticAddresses); return; }
      for (const item of node.children ?? []) { const a = parseVirtualAddress(item, sink); if (a) d.staticAddresses.push(a); }
      return;
    }
    case 'static_routes':
    case 'static_rules': {
      const read = itemsRead<RouteOrRule>(node);
      if (read !== null) {
        if (node.keyword === 'static_routes') d.staticRoutes = read.replay(sink, d.staticRoutes); else d.staticRules = read.replay(sink, d.staticRules);
        return;
      }
      for (const item of node.children ?? []) {
        const r = parseRouteOrRule(item, node.keyword === 'static_routes' ? 'route' : 'rule', sink);
        if (r) (node.keyword === 'static_routes' ? d.staticRoutes : d.staticRules).push(r);
      }
      return;
    }
  }
  if (SKIPPED_SECTIONS.includes(node.keyword)) {
    sink.warning(node.pos, `'${node.keyword}' is an LVS/BFD section: out of scope for vipkeeper - skipped`, 'none');
    lintSkipped(node, sink);
  } else if (UNSUPPORTED_ROOT.includes(node.keyword)) {
    sink.warning(node.pos, `keyword '${node.keyword}' is not supported by vipkeeper - ignored`, 'none');
  } else {
    sink.warning(node.pos, `Unknown keyword '${node.keyword}'`);
  }
}

export function emptyDraft(): Draft {
  return {
    global: defaultGlobal(), scripts: [], trackFiles: [], trackProcesses: [], instances: [], syncGroups: [],
    staticAddresses: [], staticRoutes: [], staticRules: [],
  };
}

/** Reads one top-level statement into the draft (statements come one by one, as the parser completes them). */
export function readRoot(node: Node, d: Draft, sink: DiagnosticSink): void {
  root(node, d, sink);
}

export function readDraft(tree: readonly Node[], sink: DiagnosticSink): Draft {
  const d = emptyDraft();
  for (const node of tree) root(node, d, sink);
  return d;
}

/**
 * The one LVS check we keep, because keepalived -t fails on it and the
 * samples use it: a `protocol` inside `virtual_server fwmark N`.
 */
function lintSkipped(node: Node, sink: DiagnosticSink): void {
  if (node.keyword !== 'virtual_server' || node.args[0]?.text !== 'fwmark') return;
  const proto = (node.children ?? []).find((c) => c.keyword === 'protocol');
  if (proto) sink.warning(proto.pos, `Virtual server FWM ${node.args[1]?.text ?? '?'}: protocol specified for fwmark - protocol will be ignored`);
}
