// The config test (`vipkeeper -t`): read, parse, validate and report every
// problem at once. Pure: the reader and the host facts are passed in.
import { DiagnosticSink, exitStatus, type Diagnostic } from './diagnostics.ts';
import { readDraft } from './keywords.ts';
import type { Config } from './model.ts';
import { parse } from './parser.ts';
import { preprocess, type Line } from './preprocess.ts';
import type { ConfigReader } from './source.ts';
import { validate } from './validate.ts';
import { checkEnvironment, type CheckEnv } from './validate-env.ts';
import type { ScriptPlan } from './validate-scripts.ts';

export interface CheckOptions {
  readonly configId: string | null;
  /** Host facts; without them, interface and user checks are skipped. */
  readonly env: CheckEnv | null;
}

export interface CheckResult {
  readonly config: Config;
  readonly diagnostics: readonly Diagnostic[];
  /** keepalived -t's exit status for the same findings. */
  readonly exitStatus: number;
  /** Who runs each script and which may run (null without host facts). */
  readonly scripts: ScriptPlan | null;
}

/** Rank of a file:line in reading order, so "defined later" works across includes (built on first use). */
function readingOrder(lines: readonly Line[]): (w: { file: string; line: number }) => number {
  let byFile: Map<string, Int32Array> | null = null;
  const build = (): Map<string, Int32Array> => {
    const maxLine = new Map<string, number>();
    for (const l of lines) maxLine.set(l.pos.file, Math.max(maxLine.get(l.pos.file) ?? 0, l.pos.line));
    const m = new Map<string, Int32Array>();
    for (const [file, max] of maxLine) m.set(file, new Int32Array(max + 1).fill(-1));
    // Lines of one file come in runs: look its table up once per run, not once per line.
    let file = '';
    let a: Int32Array = new Int32Array(0);
    for (let n = 0; n < lines.length; n++) {
      const pos = lines[n]!.pos;
      if (pos.file !== file) { file = pos.file; a = m.get(file)!; }
      if (a[pos.line] === -1) a[pos.line] = n;
    }
    return m;
  };
  return (w) => (byFile ??= build()).get(w.file)?.[w.line] ?? -1;
}

export function checkConfig(mainPath: string, reader: ConfigReader, options: CheckOptions): CheckResult {
  const sink = new DiagnosticSink();
  const lines = preprocess(mainPath, reader, sink, { configId: options.configId });
  const order = readingOrder(lines);
  const tree = parse(lines, sink);
  const draft = readDraft(tree, sink);
  const config = validate(draft, order, options.env, sink);
  const scripts = options.env ? checkEnvironment(config, options.env, sink) : null;
  return { config, diagnostics: sink.list, exitStatus: exitStatus(sink.list), scripts };
}
