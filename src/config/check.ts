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
    // Lines of one file come in runs: look its table up once per run, not once per line.
    if (pos.file !== this.file) { this.file = pos.file; this.ranks = this.byFile.get(pos.file) ?? new Int32Array(0); }
    if (pos.line >= this.ranks.length) {
      const grown = new Int32Array(Math.max(64, pos.line * 2)).fill(-1);
      grown.set(this.ranks);
      this.ranks = grown;
      this.byFile.set(pos.file, grown);
    }
    if (this.ranks[pos.line] === -1) this.ranks[pos.line] = this.n;
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
  }, options.plainLines === false ? null : (text, pos) => {
    // A plain VIP line in a streamed VIP block goes from its text to the model (block-items.ts).
    if (!tree.pushPlain(text, pos)) return false;
    order.add(pos);
    return true;
  });
  tree.finish();
  const config = validate(draft, order.rank, options.env, sink);
  const scripts = options.env ? checkEnvironment(config, options.env, sink) : null;
  sink.close();
  return { config, diagnostics: sink.list, exitStatus: exitStatus(sink.list), scripts };
}
