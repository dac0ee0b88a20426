// The config test (`vipkeeper -t`): read, parse, validate and report every
// problem at once. Pure: the reader and the host facts are passed in.
import { DiagnosticSink, exitStatus, type Diagnostic } from './diagnostics.ts';
import { readDraft } from './keywords.ts';
import type { Config } from './model.ts';
import { parse } from './parser.ts';
import { preprocess } from './preprocess.ts';
import type { ConfigReader } from './source.ts';
import { validate } from './validate.ts';
import { checkEnvironment, type CheckEnv } from './validate-env.ts';

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
}

export function checkConfig(mainPath: string, reader: ConfigReader, options: CheckOptions): CheckResult {
  const sink = new DiagnosticSink();
  const lines = preprocess(mainPath, reader, sink, { configId: options.configId });
  // Reading order of every line, so "defined later" works across includes.
  const rank = new Map<string, number>();
  lines.forEach((l, n) => { const k = `${l.pos.file}:${l.pos.line}`; if (!rank.has(k)) rank.set(k, n); });
  const order = (w: { file: string; line: number }) => rank.get(`${w.file}:${w.line}`) ?? -1;
  const tree = parse(lines, sink);
  const draft = readDraft(tree, sink);
  const config = validate(draft, order, options.env, sink);
  if (options.env) checkEnvironment(config, options.env, sink);
  return { config, diagnostics: sink.list, exitStatus: exitStatus(sink.list) };
}
