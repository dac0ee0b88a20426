// Tracker definitions (vrrp_script, track_file/vrrp_track_file,
// vrrp_track_process) and the track_* blocks that refer to them.
import { millis } from '../base/units.ts';
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { TrackFile, TrackKind, TrackProcess, VrrpScript } from './model.ts';
import type { Node } from './parser.ts';
import type { Section } from './section.ts';
import { intField, timerField } from './keywords-common.ts';
import { arg, intArg, noExtraArgs, scriptArg, weightArgs, where, type Mutable } from './values.ts';

/** A track_* entry before resolution: weight null means "the definition's". */
export interface RawTrack {
  readonly kind: TrackKind;
  readonly name: string;
  readonly pos: SourcePos;
  readonly weight: number | null;
  readonly reverse: boolean | null;
}

/** `user` is kept apart and joined to the command at the end of the block, so keyword order does not matter. */
export type ScriptDraft = Mutable<VrrpScript> & { timeoutSet: boolean; end: SourcePos; runAs: { user: string; group: string | null; pos: SourcePos } | null };

export function defaultScript(name: string, pos: SourcePos, end: SourcePos | null): ScriptDraft {
  return {
    name, where: where(pos), end: end ?? pos, script: null, intervalMs: millis(1000), timeoutMs: millis(1000), timeoutSet: false,
    weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false, runAs: null,
  };
}

function weightInto<D extends { weight: number; weightReverse: boolean }>(min: number, max: number) {
  return (node: Node, d: D, sink: DiagnosticSink): void => {
    const w = weightArgs(node, 0, min, max, sink);
    if (w) { d.weight = w.weight; d.weightReverse = w.reverse; }
  };
}

export const SCRIPT_SECTION: Section<ScriptDraft> = {
  name: 'vrrp_script',
  keywords: {
    script: (node, d, sink) => { d.script = scriptArg(node, 0, sink); },
    interval: timerField('intervalMs', 0.000001, 4294),
    timeout: (node, d, sink) => { timerField<ScriptDraft>('timeoutMs', 0.000001, 4294)(node, d, sink); d.timeoutSet = true; },
    weight: weightInto(-253, 253),
    rise: intField('rise', 1, 0x7fffffff),
    fall: intField('fall', 1, 0x7fffffff),
    user: (node, d, sink) => {
      const a = arg(node, 0, sink);
      if (a) d.runAs = { user: a.text, group: node.args[1]?.text ?? null, pos: node.pos };
      noExtraArgs(node, 2, sink);
    },
    init_fail: (node, d) => { d.initFail = true; void node; },
  },
  unsupported: [],
};

export type TrackFileDraft = Mutable<TrackFile>;

export function defaultTrackFile(name: string, pos: SourcePos): TrackFileDraft {
  return { name, where: where(pos), file: null, weight: 1, weightReverse: false, initValue: null, initOverwrite: false };
}

export const TRACK_FILE_SECTION: Section<TrackFileDraft> = {
  name: 'track_file',
  keywords: {
    file: (node, d, sink) => { const a = arg(node, 0, sink); if (a) d.file = a.text; noExtraArgs(node, 1, sink); },
    weight: weightInto(-2147483647, 2147483647),
    init_file: (node, d, sink) => {
      d.initValue = 0;
      for (const a of node.args) {
        if (a.text === 'overwrite') d.initOverwrite = true;
        else if (/^-?\d+$/.test(a.text)) d.initValue = Number(a.text);
        else sink.error(a.pos, `init_file: invalid value '${a.text}'`);
      }
    },
  },
  unsupported: [],
};

export type TrackProcessDraft = Mutable<TrackProcess>;

export function defaultTrackProcess(name: string, pos: SourcePos): TrackProcessDraft {
  return {
    name, where: where(pos), process: [], paramMatch: 'exact', weight: 1, weightReverse: false, quorum: 1,
    quorumMax: 0x7fffffff, forkDelayMs: millis(0), terminateDelayMs: millis(0), fullCommand: false,
  };
}

export const TRACK_PROCESS_SECTION: Section<TrackProcessDraft> = {
  name: 'vrrp_track_process',
  keywords: {
    process: (node, d, sink) => { if (arg(node, 0, sink)) d.process = node.args.map((a) => a.text); },
    param_match: (node, d, sink) => {
      const a = node.args[0];
      if (a && (a.text === 'initial' || a.text === 'partial')) d.paramMatch = a.text;
      else if (a) sink.error(a.pos, `param_match: expected initial or partial, got '${a.text}'`);
      else d.paramMatch = 'exact';
    },
    weight: weightInto(-254, 254),
    quorum: intField('quorum', 0, 65535),
    quorum_max: intField('quorumMax', 0, 65535),
    delay: (node, d, sink) => {
      timerField<TrackProcessDraft>('forkDelayMs', 0, 65535)(node, d, sink);
      d.terminateDelayMs = d.forkDelayMs;
    },
    fork_delay: timerField('forkDelayMs', 0, 65535),
    terminate_delay: timerField('terminateDelayMs', 0, 65535),
    full_command: (node, d) => { d.fullCommand = true; void node; },
  },
  unsupported: [],
};

const WEIGHT_RANGE: Record<TrackKind, [number, number]> = {
  script: [-253, 253], interface: [-253, 253], file: [-254, 254], process: [-254, 254],
};

/** Parses a track_* block into raw entries (resolved later, after the whole file). */
export function trackBlock(kind: TrackKind, node: Node, out: RawTrack[], sink: DiagnosticSink): void {
  if (node.children === null) { sink.error(node.pos, `'${node.keyword}' expects a '{' block`); return; }
  for (const item of node.children) {
    if (item.children !== null) sink.warning(item.pos, `${node.keyword}: unexpected block after '${item.keyword}' - ignored`);
    let weight: number | null = null;
    let reverse: boolean | null = null;
    const first = item.args[0];
    if (first?.text === 'weight') {
      const [min, max] = WEIGHT_RANGE[kind];
      const w = weightArgs({ ...item, args: item.args.slice(1), keyword: `${node.keyword} ${item.keyword} weight` }, 0, min, max, sink);
      if (!w) continue;
      weight = w.weight;
      reverse = w.reverse;
      noExtraArgs(item, 3, sink);
    } else if (first?.text === 'reverse' || first?.text === 'noreverse' || first?.text === 'no_reverse') {
      reverse = first.text === 'reverse';
    } else if (first) {
      sink.error(first.pos, `${node.keyword}: unknown option '${first.text}' for '${item.keyword}'`);
    }
    out.push({ kind, name: item.keyword, pos: item.pos, weight, reverse });
  }
}

export { intArg };
