// vrrp_track_process matching and quorum, as values (keepalived
// core/track_process.c, vrrp_parser.c). Pure.
//
// - Without parameters and without full_command, the name is compared with
//   the process's comm (/proc/PID/stat, at most 15 characters), exactly
//   (not a regex: 'ssh' does not match sshd).
// - Parameters, or full_command, or param_match, compare argv[0] of
//   /proc/PID/cmdline instead. Parameters given without param_match mean
//   `exact`: the process has exactly these parameters. `partial`: its first
//   n parameters are these. `initial`: like partial, but the last configured
//   parameter may be a prefix of the process's. param_match with no
//   parameters and `exact` means "no parameters at all".
// - Zombies never count. The tracker is up when quorum <= count <= quorum_max.

export type ParamMatch = 'none' | 'exact' | 'partial' | 'initial';

export interface ProcessSpec {
  readonly name: string;
  readonly params: readonly string[];
  readonly paramMatch: ParamMatch;
  readonly fullCommand: boolean;
  readonly quorum: number;
  readonly quorumMax: number;
}

export interface ProcessInfo {
  readonly comm: string;
  readonly argv: readonly string[];
  readonly zombie: boolean;
}

/** The effective match mode after keepalived's parser defaults. */
export function effectiveParamMatch(spec: ProcessSpec): ParamMatch {
  return spec.paramMatch === 'none' && spec.params.length > 0 ? 'exact' : spec.paramMatch;
}

export function paramsMatch(mode: ParamMatch, wanted: readonly string[], actual: readonly string[]): boolean {
  switch (mode) {
    case 'none': return true;
    case 'exact': return actual.length === wanted.length && wanted.every((w, i) => actual[i] === w);
    case 'partial': return actual.length >= wanted.length && wanted.every((w, i) => actual[i] === w);
    case 'initial':
      return actual.length >= wanted.length && wanted.every((w, i) =>
        i === wanted.length - 1 ? actual[i]!.startsWith(w) : actual[i] === w);
  }
}

export function processMatches(spec: ProcessSpec, p: ProcessInfo): boolean {
  if (p.zombie) return false;
  const mode = effectiveParamMatch(spec);
  const byCmdline = spec.fullCommand || mode !== 'none';
  const name = byCmdline ? p.argv[0] : p.comm;
  if (name !== spec.name) return false;
  return paramsMatch(mode, spec.params, p.argv.slice(1));
}

export function hasQuorum(spec: ProcessSpec, count: number): boolean {
  return count >= spec.quorum && count <= spec.quorumMax;
}
