// Word lines → a tree of statements. A statement is a keyword and its
// arguments up to the end of the line, a '{' or a '}'; a '{' opens a block for
// the statement before it, on the same line or on the next one.
import type { DiagnosticSink, SourcePos } from './diagnostics.ts';
import type { Word } from './lexer.ts';
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
}

interface Tok {
  readonly word: Word;
  readonly pos: SourcePos;
  readonly lineIndex: number;
}

const isOpen = (t: Tok | undefined): boolean => t !== undefined && !t.word.quoted && t.word.text === '{';
const isClose = (t: Tok | undefined): boolean => t !== undefined && !t.word.quoted && t.word.text === '}';

function flatten(lines: readonly Line[]): Tok[] {
  const toks: Tok[] = [];
  lines.forEach((line, lineIndex) => {
    for (const word of line.words) toks.push({ word, pos: { file: line.pos.file, line: line.pos.line, col: word.col }, lineIndex });
  });
  return toks;
}

/** Builds the statement tree; brace errors are reported, never thrown. */
export function parse(lines: readonly Line[], sink: DiagnosticSink): Node[] {
  const toks = flatten(lines);
  const root: Node[] = [];
  const stack: { node: Node; open: SourcePos }[] = [];
  const current = (): Node[] => (stack.length === 0 ? root : stack[stack.length - 1]!.node.children!);
  let i = 0;
  while (i < toks.length) {
    const t = toks[i]!;
    if (isClose(t)) {
      if (stack.length === 0) sink.error(t.pos, "Extra '}' found");
      else stack.pop()!.node.end = t.pos;
      i++;
      continue;
    }
    if (isOpen(t)) {
      sink.error(t.pos, "Unexpected '{' - ignoring");
      i++;
      continue;
    }
    const args: Arg[] = [];
    let j = i + 1;
    while (j < toks.length && toks[j]!.lineIndex === t.lineIndex && !isOpen(toks[j]) && !isClose(toks[j])) {
      const w = toks[j]!;
      args.push({ text: w.word.text, pos: w.pos, quoted: w.word.quoted });
      j++;
    }
    const node: Node = { keyword: t.word.text, args, pos: t.pos, children: null, end: null };
    current().push(node);
    // '{' on the same line, or as the first word of the next line.
    if (isOpen(toks[j])) {
      node.children = [];
      stack.push({ node, open: toks[j]!.pos });
      j++;
    }
    i = j;
  }
  for (const open of stack.reverse()) {
    sink.error(open.node.pos, `missing '}' for '${open.node.keyword}' block opened here`, 'config');
  }
  return root;
}

/** Renders a node's arguments for messages. */
export function argText(node: Node): string {
  return node.args.map((a) => a.text).join(' ');
}
