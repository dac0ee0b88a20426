// vrrp_sync_group: members, group-level tracking and notify scripts.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { NotifyScripts, SyncGroup } from './model.ts';
import type { Node } from './parser.ts';
import type { Section } from './section.ts';
import { boolField } from './keywords-common.ts';
import { trackBlock, type RawTrack } from './keywords-track.ts';
import { scriptArg, where, type Mutable } from './values.ts';

export type SyncGroupDraft = Mutable<Omit<SyncGroup, 'tracks' | 'notify' | 'members'>> & {
  pos: SourcePos;
  members: { name: string; pos: SourcePos }[];
  rawTracks: RawTrack[];
  notify: Mutable<NotifyScripts>;
};

export function defaultSyncGroup(name: string, pos: SourcePos): SyncGroupDraft {
  return {
    name, where: where(pos), pos, members: [], rawTracks: [],
    notify: { master: null, backup: null, fault: null, stop: null, deleted: null, any: null, masterRxLowerPri: null },
    notifyPriorityChanges: false, smtpAlert: false, globalTracking: false, syncGroupTrackingWeight: false,
  };
}

function notify(field: keyof NotifyScripts) {
  return (node: Node, d: SyncGroupDraft, sink: DiagnosticSink): void => {
    if (field === 'deleted' && node.args.length === 0) return;
    d.notify[field] = scriptArg(node, 0, sink);
  };
}

export const SYNC_GROUP_SECTION: Section<SyncGroupDraft> = {
  name: 'vrrp_sync_group',
  keywords: {
    group: (node, d, sink) => {
      if (node.children === null) { sink.error(node.pos, `'group' expects a '{' block`); return; }
      for (const item of node.children) {
        // keepalived takes one name per line; more words on a line are unknown keywords to it.
        d.members.push({ name: item.keyword, pos: item.pos });
        for (const extra of item.args) sink.warning(extra.pos, `Unknown keyword '${extra.text}'`);
      }
    },
    track_interface: (node, d, sink) => trackBlock('interface', node, d.rawTracks, sink),
    track_script: (node, d, sink) => trackBlock('script', node, d.rawTracks, sink),
    track_file: (node, d, sink) => trackBlock('file', node, d.rawTracks, sink),
    track_process: (node, d, sink) => trackBlock('process', node, d.rawTracks, sink),
    notify_master: notify('master'),
    notify_backup: notify('backup'),
    notify_fault: notify('fault'),
    notify_stop: notify('stop'),
    notify_deleted: notify('deleted'),
    notify: notify('any'),
    notify_priority_changes: boolField('notifyPriorityChanges'),
    smtp_alert: boolField('smtpAlert'),
    global_tracking: (node, d, sink) => {
      d.globalTracking = true;
      sink.warning(node.pos, `(${d.name}) global_tracking is deprecated. Use track_interface/script/file/bfd on the sync group`, 'none');
    },
    sync_group_tracking_weight: boolField('syncGroupTrackingWeight', true),
  },
  unsupported: ['track_bfd'],
};
