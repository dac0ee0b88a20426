// Word lines → a tree of statements. A statement is a keyword and its
// arguments up to the end of the line, a '{' or a '}'; a '{' opens a block for
// the statement before it, on the same line or on the next one.
//
// The tree is built as lines arrive (TreeBuilder.push) and each top-level
// statement is handed on as soon as it is complete, so a large file never
// holds its lines, nor the statements of blocks already read, all at once.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { PlacedWord } from './lexer.ts';
import type { Line } from './preprocess.ts';

export interface Arg {
  readonly text: string;
  readonly pos: SourcePos;
  readonly quoted: boolean;
}

export interface Node {
  readonly keyword: string;
  readonly args: readonly Arg[];
  readonly pos: SourcePos;
  /** null: no block; [] an empty block. */
  children: Node[] | null;
  /** Where the block's '}' is (keepalived reports block-end checks there). */
  end: SourcePos | null;
  /** A streamed block: what its ItemReader made of its items (its children then stay []). */
  read?: unknown;
}

/** Reads a block's items one by one as each is complete, instead of keeping them as children. */
export interface ItemReader {
  item(node: Node): void;
  /**
   * An item that is one plain word alone on its line (`text` at `pos`), read
   * without a Node; only readers that have it are offered such lines
   * (TreeBuilder.pushPlain). It must do what item() does with that statement.
   */
  readonly plain?: ((text: string, file: string, line: number, col: number) => void) | undefined;
}

/** Chooses, as a block opens, whether its items are streamed: `stack` is the blocks around it, outermost first. */
export type BlockReaders = (stack: readonly Node[], node: Node) => ItemReader | null;

const isBrace = (w: PlacedWord, brace: '{' | '}'): boolean => !w.quoted && w.text === brace;

/** Most statements (every VIP line) have no arguments: they share one empty list. */
export const NO_ARGS: readonly Arg[] = Object.freeze([]);

/** Builds the statement tree line by line; brace errors are reported, never thrown. */
export class TreeBuilder {
  private readonly stack: Node[] = [];
  /** The ItemReader of each open block (null: its items are kept as children). */
  private readonly readers: (ItemReader | null)[] = [];
  /** The last statement, if it ended its line without a brace: a '{' first on the next line opens its block. */
  private pending: Node | null = null;
  /** The same for a line taken by pushPlain(): its word and position, made a Node only if a '{' follows. */
  private plainText: string | null = null;
  private plainFile = '';
  private plainLine = 0;
  private plainCol = 0;

  /** `onRoot` receives each top-level statement once nothing more can be added to it. */
  constructor(
    private readonly sink: DiagnosticSink,
    private readonly onRoot: (node: Node) => void,
    private readonly blockReaders: BlockReaders | null = null,
  ) {}

  /** A statement nothing more can be added to: handed on if it is top-level or its block is streamed. */
  private done(node: Node): void {
    const n = this.stack.length;
    if (n === 0) this.onRoot(node);
    else this.readers[n - 1]?.item(node);
  }

  push(line: Line): void {
    this.pushWords(line.words);
  }

  /**
   * A line that is one plain word (no blank, brace, quote, '$' or backslash),
   * as pushWords would get it, when the open block's reader reads such lines
   * itself (ItemReader.plain): no word, array or statement object is made.
   * Returns false, having done nothing, when the block's reader does not.
   */
  pushPlain(text: string, file: string, line: number, col: number): boolean {
    const depth = this.stack.length;
    if (depth === 0) return false;
    const reader = this.readers[depth - 1];
    if (reader === null || reader === undefined || reader.plain === undefined) return false;
    // The line is not a '{': what is pending is complete, as in pushWords.
    this.flushPlain(false);
    if (this.pending !== null) { this.done(this.pending); this.pending = null; }
    this.plainText = text;
    this.plainFile = file;
    this.plainLine = line;
    this.plainCol = col;
    return true;
  }

  /** Hands on a line taken by pushPlain, or makes it the pending statement if a '{' opens its block. */
  private flushPlain(braceFollows: boolean): void {
    const text = this.plainText;
    if (text === null) return;
    this.plainText = null;
    if (braceFollows) {
      const pos = { file: this.plainFile, line: this.plainLine, col: this.plainCol };
      this.pending = { keyword: text, args: NO_ARGS, pos, children: null, end: null };
    } else this.readers[this.stack.length - 1]!.plain!(text, this.plainFile, this.plainLine, this.plainCol);
  }

  /** push() for a line's words alone (the streaming reader passes no Line object). */
  pushWords(words: readonly PlacedWord[]): void {
    if (words.length === 0) return;
    this.flushPlain(isBrace(words[0]!, '{'));
    let wi = 0;
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) {
      if (isBrace(words[0]!, '{')) { this.open(pending); wi = 1; }
      else this.done(pending);
    }
    while (wi < words.length) {
      const w = words[wi]!;
      if (isBrace(w, '}')) {
        const closed = this.stack.pop();
        if (closed === undefined) this.sink.error(w.pos, "Extra '}' found");
        else {
          this.readers.pop();
          closed.end = w.pos;
          this.done(closed);
        }
        wi++;
        continue;
      }
      if (isBrace(w, '{')) {
        this.sink.error(w.pos, "Unexpected '{' - ignoring");
        wi++;
        continue;
      }
      let j = wi + 1;
      while (j < words.length && !isBrace(words[j]!, '{') && !isBrace(words[j]!, '}')) j++;
      // Placed words are arguments as they are: no copies.
      const args: readonly Arg[] = j === wi + 1 ? NO_ARGS : words.slice(wi + 1, j);
      const node: Node = { keyword: w.text, args, pos: w.pos, children: null, end: null };
      const depth = this.stack.length;
      // In a streamed block the item goes to its reader once complete (done()), not to the children.
      if (depth > 0 && this.readers[depth - 1] === null) this.stack[depth - 1]!.children!.push(node);
      if (j < words.length && isBrace(words[j]!, '{')) { this.open(node); wi = j + 1; continue; }
      if (j < words.length) { this.done(node); wi = j; continue; } // a '}' follows
      this.pending = node; // end of line: the next line may open its block
      wi = j;
    }
  }

  /** After the last line: hands on what is left and reports blocks never closed. */
  finish(): void {
    this.flushPlain(false);
    if (this.pending !== null) this.done(this.pending);
    this.pending = null;
    if (this.stack.length > 0) {
      const outer = this.stack[0]!;
      // An unclosed statement inside a streamed block is still one of its items.
      for (let k = this.stack.length - 1; k > 0; k--) this.readers[k - 1]?.item(this.stack[k]!);
      for (const open of [...this.stack].reverse()) {
        this.sink.error(open.pos, `missing '}' for '${open.keyword}' block opened here`, 'config');
      }
      this.stack.length = 0;
      this.readers.length = 0;
      this.onRoot(outer);
    }
  }

  private open(node: Node): void {
    node.children = [];
    this.readers.push(this.blockReaders?.(this.stack, node) ?? null);
    this.stack.push(node);
  }
}

/** The whole tree at once (tests, and callers that hold every line anyway). */
export function parse(lines: readonly Line[], sink: DiagnosticSink): Node[] {
  const root: Node[] = [];
  const b = new TreeBuilder(sink, (n) => root.push(n));
  for (const l of lines) b.push(l);
  b.finish();
  return root;
}

/** Renders a node's arguments for messages. */
export function argText(node: Node): string {
  return node.args.map((a) => a.text).join(' ');
}
