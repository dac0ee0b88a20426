// Cross-references, resolved after the whole file is read: track_* entries
// against their definitions (a definition may come later in the file), sync
// group members against instances.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { TrackEntry } from './model.ts';
import type { RawTrack } from './keywords-track.ts';
import { where } from './values.ts';

export interface TrackTarget {
  readonly name: string;
  readonly where: { readonly file: string; readonly line: number };
  readonly weight: number;
  readonly weightReverse: boolean;
}

export interface TrackTargets {
  readonly script: ReadonlyMap<string, TrackTarget>;
  readonly file: ReadonlyMap<string, TrackTarget>;
  readonly process: ReadonlyMap<string, TrackTarget>;
}

const KIND_WORD = { script: 'track script', file: 'track file', process: 'track process' } as const;

/** keepalived resolves while reading, so a definition after the user is "not found" to it. */
function definedLater(target: TrackTarget, user: SourcePos, order: (w: { file: string; line: number }) => number): boolean {
  return order(target.where) > order(user);
}

export function resolveTracks(
  owner: string,
  raw: readonly RawTrack[],
  targets: TrackTargets,
  order: (w: { file: string; line: number }) => number,
  sink: DiagnosticSink,
): TrackEntry[] {
  const out: TrackEntry[] = [];
  for (const t of raw) {
    if (t.kind === 'interface') {
      out.push({ kind: 'interface', name: t.name, where: where(t.pos), weight: t.weight ?? 0, reverse: t.reverse ?? false });
      continue;
    }
    const target = targets[t.kind].get(t.name);
    if (!target) {
      sink.error(t.pos, `(${owner}) ${KIND_WORD[t.kind]} ${t.name} not found, ignoring...`);
      continue;
    }
    if (definedLater(target, t.pos, order)) {
      sink.warning(
        t.pos,
        `(${owner}) ${KIND_WORD[t.kind]} ${t.name} is defined later (${target.where.file}:${target.where.line}); ` +
          'keepalived 2.2.7 ignores it ("not found"), vipkeeper tracks it - move the definition up to behave the same in both',
      );
    }
    out.push({
      kind: t.kind, name: t.name, where: where(t.pos),
      weight: t.weight ?? target.weight,
      reverse: t.reverse ?? target.weightReverse,
    });
  }
  return out;
}
