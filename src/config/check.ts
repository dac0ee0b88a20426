// The config test (`vipkeeper -t`): read, parse, validate and report every
// problem at once. Pure: the reader and the host facts are passed in.
import { addressBlockReaders } from './block-items.ts';
import { DiagnosticSink, exitStatus, type Diagnostic } from './diagnostics.ts';
import { emptyDraft, readRoot } from './keywords.ts';
import type { Config } from './model.ts';
import { TreeBuilder } from './parser.ts';
import { preprocessTo } from './preprocess.ts';
import type { ConfigReader } from './source.ts';
import { validate } from './validate.ts';
import { checkEnvironment, type CheckEnv } from './validate-env.ts';
import type { ScriptPlan } from './validate-scripts.ts';

export interface CheckOptions {
  readonly configId: string | null;
  /** Host facts; without them, interface and user checks are skipped. */
  readonly env: CheckEnv | null;
  /** false: every line takes the general path (tests compare it with the fast path for VIP lines). */
  readonly plainLines?: boolean;
}

export interface CheckResult {
  readonly config: Config;
  readonly diagnostics: readonly Diagnostic[];
  /** keepalived -t's exit status for the same findings. */
  readonly exitStatus: number;
  /** Who runs each script and which may run (null without host facts). */
  readonly scripts: ScriptPlan | null;
}

/**
 * Rank of a file:line in reading order, so "defined later" works across
 * includes: filled as lines stream past (4 bytes per line of each file).
 */
class ReadingOrder {
  private readonly byFile = new Map<string, Int32Array>();
  private n = 0;
  private file = '';
  private ranks: Int32Array = new Int32Array(0);

  add(pos: { file: string; line: number }): void {
    this.addLine(pos.file, pos.line);
  }

  addLine(file: string, line: number): void {
    // Lines of one file come in runs: look its table up once per run, not once per line.
    if (file !== this.file) { this.file = file; this.ranks = this.byFile.get(file) ?? new Int32Array(0); }
    if (line >= this.ranks.length) {
      const grown = new Int32Array(Math.max(64, line * 2)).fill(-1);
      grown.set(this.ranks);
      this.ranks = grown;
      this.byFile.set(file, grown);
    }
    if (this.ranks[line] === -1) this.ranks[line] = this.n;
    this.n++;
  }

  readonly rank = (w: { file: string; line: number }): number => this.byFile.get(w.file)?.[w.line] ?? -1;
}

export function checkConfig(mainPath: string, reader: ConfigReader, options: CheckOptions): CheckResult {
  const sink = new DiagnosticSink();
  const order = new ReadingOrder();
  const draft = emptyDraft();
  // One pass, streaming: each line goes to the tree builder as it is read, and
  // each finished top-level block to the draft, then is dropped.
  // The items of address blocks go to the draft's values as they are parsed (block-items.ts).
  const tree = new TreeBuilder(sink, (node) => readRoot(node, draft, sink), addressBlockReaders());
  preprocessTo(mainPath, reader, sink, { configId: options.configId }, (words, pos) => {
    order.add(pos);
    tree.pushWords(words);
  }, options.plainLines === false ? null : (text, file, line, col) => {
    // A plain VIP line in a streamed VIP block goes from its text to the model (block-items.ts).
    if (!tree.pushPlain(text, file, line, col)) return false;
    order.addLine(file, line);
    return true;
  });
  tree.finish();
  const config = validate(draft, order.rank, options.env, sink);
  const scripts = options.env ? checkEnvironment(config, options.env, sink) : null;
  sink.close();
  return { config, diagnostics: sink.list, exitStatus: exitStatus(sink.list), scripts };
}
